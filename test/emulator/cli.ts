/* eslint-disable @n8n/community-nodes/no-restricted-globals, no-console */
import { DEMO_API_KEY, startEmulator } from './index';

/* Standalone emulator for out-of-process runs (e.g. a real n8n e2e): `node …/cli.js [--port N]`. */

function portFromArgs(argv: string[]): number {
	const flag = argv.indexOf('--port');
	const raw = flag >= 0 ? argv[flag + 1] : process.env.PORT;
	const port = raw === undefined ? 8787 : Number(raw);
	if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Invalid port: ${raw}`);
	return port;
}

async function main(): Promise<void> {
	const emulator = await startEmulator({ port: portFromArgs(process.argv.slice(2)) });
	console.log(`VLM Run emulator: ${emulator.baseUrl}`);
	console.log(`API key: ${DEMO_API_KEY}`);
	const stop = () => {
		void emulator.close().then(() => process.exit(0));
	};
	process.once('SIGINT', stop);
	process.once('SIGTERM', stop);
}

main().catch((error: Error) => {
	console.error(`VLM Run emulator failed to start: ${error.message}`);
	process.exit(1);
});
