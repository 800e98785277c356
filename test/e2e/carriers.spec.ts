import { AppPage } from './pages/app-page.ts';
import { CarriersPage } from './pages/carriers-page.ts';
import { expect, test } from './fixtures.ts';

test('add a carrier with its contract terms, and see it listed and stored', async ({ page, host }) => {
  const app = new AppPage(page, host.url);
  await app.open();
  const carriers = new CarriersPage(app);
  await carriers.add({ name: 'Acme Telecom', roles: 'both', currency: 'EUR', timezone: 'Europe/Berlin', noticeIncrease: 10, rounding: 'per-increment', techPrefixes: '1234#' });
  await carriers.expectListed('Acme Telecom');
  const stored = await host.rpc<{ roles: string; currency: string; timezone: string; notice: { increaseDays: number }; rounding: { level: string }; techPrefixes: string[] }>('carriers.get', { name: 'Acme Telecom' });
  expect(stored).toMatchObject({ roles: 'both', currency: 'EUR', timezone: 'Europe/Berlin', notice: { increaseDays: 10 }, rounding: { level: 'per-increment' }, techPrefixes: ['1234#'] });
});

test('a bad currency is refused next to its field, and nothing is stored', async ({ page, host }) => {
  const app = new AppPage(page, host.url);
  await app.open();
  const carriers = new CarriersPage(app);
  await carriers.add({ name: 'Broken Co', currency: 'XYZ' });
  await expect(page.getByTestId('carrier-form')).toContainText('ISO 4217');
  expect(await host.rpc<unknown[]>('carriers.list', {})).toEqual([]);
});
