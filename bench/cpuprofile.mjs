#!/usr/bin/env node
// Reads V8 .cpuprofile files (node --cpu-prof) and says where the CPU went: by category (n8n's
// waiting-webhook route, our package, database, JSON and flatted, garbage collection, ...), and the
// functions and files with the most self and total time. A window in the monotonic clock (µs, the
// clock V8 stamps its samples with, the same as process.hrtime) restricts it to one phase.
//
//   node bench/cpuprofile.mjs <file.cpuprofile | dir> [--from=µs --to=µs] [--top=25]
//   import { analyse } from './cpuprofile.mjs'   (used by bench/callbacks.mjs --profile)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

/**
 * Categories, first match wins, tested on the stack from the sampled function up to the root. A
 * category names who is responsible for the time, so a JSON.parse under flatted counts as flatted
 * and anything under our package's code counts as ours.
 */
const CATEGORIES = [
	['gc', (frames) => frames[0].functionName === '(garbage collector)'],
	['idle', (frames) => ['(idle)', '(program)'].includes(frames[0].functionName)],
	['ours', (frames) => frames.some((f) => f.url.includes('n8n-nodes-vlmrun'))],
	['flatted', (frames) => frames.some((f) => /[/\\]flatted[/\\]/.test(f.url))],
	[
		'sqlite / typeorm',
		(frames) => frames.some((f) => /[/\\](sqlite3|typeorm|pg)[/\\]/.test(f.url)),
	],
	[
		'JSON',
		(frames) => frames.some((f) => /^JSON\.|^(parse|stringify)$/.test(f.functionName) && !f.url),
	],
	[
		'expressions',
		(frames) =>
			frames.some((f) => /expression|isolated-vm|tmpl|esprima|riot/i.test(f.url + f.functionName)),
	],
	[
		'executing workflow',
		(frames) =>
			frames.some((f) => /workflow-execute\.js|WorkflowExecute/.test(f.url + f.functionName)),
	],
	['n8n-workflow', (frames) => frames.some((f) => /[/\\]n8n-workflow[/\\]/.test(f.url))],
	['n8n-core', (frames) => frames.some((f) => /[/\\]n8n-core[/\\]/.test(f.url))],
	['n8n (cli)', (frames) => frames.some((f) => /[/\\]n8n[/\\]dist[/\\]/.test(f.url))],
	[
		'http / express',
		(frames) =>
			frames.some((f) => /express|body-parser|raw-body|_http_|node:http|undici/.test(f.url)),
	],
	['other', () => true],
];

const shortUrl = (url) =>
	url
		.replace(/^file:\/\//, '')
		.replace(/^.*node_modules[/\\]/, '')
		.replace(/^.*[/\\]dist[/\\]/, 'dist/') || '(native)';

function load(file) {
	const profile = JSON.parse(readFileSync(file, 'utf8'));
	const byId = new Map(profile.nodes.map((node) => [node.id, node]));
	const parent = new Map();
	for (const node of profile.nodes)
		for (const child of node.children ?? []) parent.set(child, node.id);
	// Per node, its stack from itself up to the root (the root's "(root)" frame left out).
	const stacks = new Map();
	const stackOf = (id) => {
		let stack = stacks.get(id);
		if (stack) return stack;
		stack = [];
		for (let at = id; at !== undefined; at = parent.get(at)) {
			const frame = byId.get(at).callFrame;
			if (frame.functionName !== '(root)') stack.push(frame);
		}
		stacks.set(id, stack);
		return stack;
	};
	const samples = [];
	let time = profile.startTime;
	for (const [n, id] of profile.samples.entries()) {
		time += profile.timeDeltas[n] ?? 0;
		// A sample's duration is the gap to the next one.
		const next = profile.timeDeltas[n + 1] ?? 0;
		samples.push({ time, us: next, stack: stackOf(id) });
	}
	return { file, startTime: profile.startTime, endTime: profile.endTime, samples };
}

/** Where the CPU went in the samples of `profiles` between from and to (µs of the monotonic clock). */
export function analyse(profiles, { from = -Infinity, to = Infinity, top = 25 } = {}) {
	const categories = new Map();
	const selfByFunction = new Map();
	const totalByFunction = new Map();
	const selfByFile = new Map();
	let totalUs = 0;
	for (const profile of profiles) {
		for (const sample of profile.samples) {
			if (sample.time < from || sample.time >= to || sample.stack.length === 0) continue;
			const category = CATEGORIES.find(([, test]) => test(sample.stack))[0];
			categories.set(category, (categories.get(category) ?? 0) + sample.us);
			if (category === 'idle') continue;
			totalUs += sample.us;
			const [leaf] = sample.stack;
			const leafName = `${leaf.functionName || '(anonymous)'} ${shortUrl(leaf.url)}:${leaf.lineNumber + 1}`;
			selfByFunction.set(leafName, (selfByFunction.get(leafName) ?? 0) + sample.us);
			selfByFile.set(shortUrl(leaf.url), (selfByFile.get(shortUrl(leaf.url)) ?? 0) + sample.us);
			const seen = new Set();
			for (const frame of sample.stack) {
				const name = `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;
				if (seen.has(name)) continue;
				seen.add(name);
				totalByFunction.set(name, (totalByFunction.get(name) ?? 0) + sample.us);
			}
		}
	}
	const ms = (us) => Math.round(us / 100) / 10;
	const ranked = (map) =>
		[...map]
			.sort((a, b) => b[1] - a[1])
			.slice(0, top)
			.map(([name, us]) => ({ name, ms: ms(us) }));
	return {
		busyMs: ms(totalUs),
		categories: Object.fromEntries(
			[...categories].sort((a, b) => b[1] - a[1]).map(([k, us]) => [k, ms(us)]),
		),
		selfByFunction: ranked(selfByFunction),
		totalByFunction: ranked(totalByFunction),
		selfByFile: ranked(selfByFile),
	};
}

/** The .cpuprofile files at `path` (a file or a directory). */
export function loadProfiles(path) {
	const files = statSync(path).isDirectory()
		? readdirSync(path)
				.filter((name) => name.endsWith('.cpuprofile'))
				.map((name) => join(path, name))
		: [path];
	return files.map(load);
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const args = process.argv.slice(2);
	const flag = (name) => args.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1];
	const path = args.find((arg) => !arg.startsWith('--'));
	if (!path) {
		console.error(
			'usage: node bench/cpuprofile.mjs <file.cpuprofile | dir> [--from=µs --to=µs] [--top=25]',
		);
		process.exit(2);
	}
	const profiles = loadProfiles(path);
	for (const profile of profiles)
		console.log(
			`${basename(profile.file)}: ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s, ${profile.samples.length} samples, from ${profile.startTime} µs`,
		);
	const result = analyse(profiles, {
		from: Number(flag('from') ?? -Infinity),
		to: Number(flag('to') ?? Infinity),
		top: Number(flag('top') ?? 25),
	});
	console.log(JSON.stringify(result, null, 1));
}
