// Stands in for Electron's utilityProcess under plain Node: process.parentPort over the fork IPC channel.
import { EventEmitter } from 'node:events';

const port = new EventEmitter();
port.postMessage = (message) => process.send(message);
process.on('message', (data) => port.emit('message', { data }));
process.parentPort = port;
