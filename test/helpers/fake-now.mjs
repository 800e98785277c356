/**
 * Preloaded into a `trunkline` process (`node --import <this file> bin/trunkline.mjs …`) by tests
 * that play a user's month: the process's clock stands at TRUNKLINE_TEST_NOW (an ISO instant), as
 * libfaketime would make it, so what one command records is stamped with the day it plays. The
 * engine takes "now" from Date.now (dispute events, invoice issue dates, imports); nothing in the
 * product knows about this file. Elapsed-time checks (progress throttling, a stalled-reader
 * watchdog) then see no time pass, which only makes them quieter.
 */
const text = process.env.TRUNKLINE_TEST_NOW;
const frozen = Date.parse(text ?? '');
if (Number.isNaN(frozen)) throw new Error(`fake-now: TRUNKLINE_TEST_NOW is not an instant: ${text}`);
Date.now = () => frozen;
