// 500 files through Extract while the emulator's seeded fault mix answers 10 % of calls with 429
// (Retry-After 0.2 s), 5 % of reads with 503, resets 2 % of reads, fails 1 % of jobs and sends one
// malformed JSON body. Checked: one output per input, in order and paired; every file creates
// exactly one job; failures are error items (continue on fail) or one clear node error; nothing
// escapes as an unhandled rejection or a TypeError.
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { VlmRunRequest } from '../../../nodes/VlmRun/VlmRunRequest.node';
import type { FaultMix } from '../../emulator';
import { createBinaryItem, runNode, type WorkflowRunResult } from '../harness';
import { useEmulator, vlmNode } from '../vlmrun';
import {
	errorTexts,
	fileNumberOfGenerate,
	idsIn,
	numberedPdf,
	numberedPng,
	PROGRAMMING_ERRORS,
	watchProcess,
	type ProcessWatch,
} from './faults';

jest.setTimeout(180_000);

const FILES = 500;
/** Every tenth file is a PDF, uploaded before its generate call; the others are inline images. */
const isPdf = (n: number) => n % 10 === 9;
/** Besides the mix's random 1 %, this file's job always fails (the emulator's failing domain). */
const FAILING_FILE = 250;

const MIX: FaultMix = {
	seed: 8,
	rate429: 0.1,
	rate503Reads: 0.05,
	rateResetReads: 0.02,
	rateJobFail: 0.01,
	malformedOnce: true,
	retryAfterSeconds: 0.2,
};

// Jobs finish well before the node's first status request (after 1 s).
const env = useEmulator({ jobMode: 'time', jobDurationMs: 50 });

let items: INodeExecutionData[];
let watch: ProcessWatch;

beforeAll(async () => {
	items = [];
	for (let n = 0; n < FILES; n++) {
		const file = isPdf(n) ? numberedPdf(n) : numberedPng(n);
		items.push(
			await createBinaryItem(
				{ data: file },
				{ n, domain: n === FAILING_FILE ? 'emulator.fail' : 'document.receipt' },
			),
		);
	}
});

beforeEach(() => {
	env.emulator.configure({ faultMix: MIX });
	watch = watchProcess();
});

afterEach(() => {
	watch.stop();
	env.emulator.configure({ faultMix: null });
});

async function extractAll(
	continueOnFail: boolean,
): Promise<WorkflowRunResult & { items: INodeExecutionData[] }> {
	const node = vlmNode(
		'vlmRunRequest',
		{
			resource: 'prediction',
			operation: 'extract',
			domain: { __rl: true, mode: 'id', value: '={{ $json.domain }}' },
			// Batch jobs and polls: the mix's faults on reads (503, resets, a malformed body) hit the polls.
			options: { maxConcurrency: 50, synchronous: false },
		},
		continueOnFail ? { onError: 'continueRegularOutput' } : {},
	);
	return await runNode(node, {
		nodeTypes: [VlmRunRequest],
		inputItems: items,
		credentials: env.credentials(),
	});
}

/** The prediction ids the node polled, from the emulator's request log. */
/** The `count` predictions the emulator created last, read from its list route. */
async function newestPredictions(count: number): Promise<Array<{ id: string; status: string }>> {
	const response = await fetch(`${env.emulator.baseUrl}/predictions?limit=${count}`, {
		headers: { authorization: `Bearer ${env.emulator.apiKey}` },
	});
	return ((await response.json()) as IDataObject[]).map((job) => ({
		id: String(job.id),
		status: String(job.status),
	}));
}

function polledIds(): Set<string> {
	return new Set(
		env.emulator
			.requests({ method: 'GET', path: /^\/predictions\/[^/]+$/ })
			.map((request) => request.path.split('/').pop() as string),
	);
}

function expectNoProgrammingErrors(value: unknown) {
	expect(errorTexts(value)).not.toMatch(PROGRAMMING_ERRORS);
	expect(watch.unhandledRejections).toEqual([]);
	expect(watch.uncaughtExceptions).toEqual([]);
}

describe('Extract under the fault mix, 500 files', () => {
	it('with continue on fail: one output per file, in order, each job created once, failures as error items', async () => {
		const jobsBefore = env.emulator.jobsCreated();
		const result = await extractAll(true);

		expect(result.status).toBe('success');
		expect(result.items).toHaveLength(FILES);
		expect(result.items.map((item) => item.pairedItem)).toEqual(items.map((_, item) => ({ item })));

		const successes = result.items.filter((item) => item.json.error === undefined);
		const failures = result.items.filter((item) => item.json.error !== undefined);
		// Every output belongs to its own file: successes name it in their summary, errors in their details.
		result.items.forEach((item, n) => {
			const name = `file-${n}.${isPdf(n) ? 'pdf' : 'png'}`;
			if (item.json.error === undefined) {
				expect((item.json.vlmrun as IDataObject).fileName).toBe(name);
				expect((item.json.vlmrun as IDataObject).status).toBe('completed');
			} else {
				expect(item.json).toEqual({
					error: expect.any(String),
					details: expect.stringContaining(`File "${name}"`),
				});
			}
		});
		// The forced failure and (with this seed, about 1 %) the mix's own failing jobs.
		expect(failures.length).toBeGreaterThanOrEqual(1);
		expect(result.items[FAILING_FILE].json.error).toMatch(
			/^VLM Run could not finish prediction [0-9a-f-]{36}$/,
		);
		for (const failure of failures) {
			expect(failure.json.error).toMatch(/^VLM Run could not finish prediction [0-9a-f-]{36}$/);
			expect(failure.json.details).toMatch(
				/VLM Run said: .+ the prediction ID is [0-9a-f-]{36}\.$/,
			);
		}

		// No job twice: every output names exactly one prediction, no two outputs the same one, and
		// the emulator created exactly as many predictions as there are files (each generate call was
		// eventually accepted, once) and as the node polled.
		const ids = result.items.map((item) =>
			item.json.error === undefined
				? [(item.json.vlmrun as IDataObject).predictionId as string]
				: idsIn(item),
		);
		expect(ids.every((list) => list.length === 1)).toBe(true);
		const distinct = new Set(ids.flat());
		expect(distinct.size).toBe(FILES);
		const jobsAfter = env.emulator.jobsCreated();
		expect(jobsAfter.predictions - jobsBefore.predictions).toBe(FILES);
		expect(polledIds()).toEqual(distinct);
		expect(successes.length + failures.length).toBe(FILES);

		// The request log agrees: each image reached image/generate at least once (more often only
		// after a 429, which the emulator answers before creating anything) …
		const generates = env.emulator.requests({ method: 'POST', path: '/image/generate' });
		const perFile = new Map<number, number>();
		for (const request of generates) {
			const n = fileNumberOfGenerate(request.body) as number;
			perFile.set(n, (perFile.get(n) ?? 0) + 1);
		}
		expect([...perFile.keys()].sort((a, b) => a - b)).toEqual(
			items.map((_, n) => n).filter((n) => !isPdf(n)),
		);
		const documentGenerates = env.emulator.requests({
			method: 'POST',
			path: '/document/generate',
		}).length;
		const retriedGenerates = generates.length + documentGenerates - FILES;
		// … and each PDF was uploaded exactly once: a 429 on the upload route comes before its body is read.
		const uploads = env.emulator
			.requests({ method: 'POST', path: '/files' })
			.filter((request) => request.body !== null);
		expect(
			uploads
				.map((request) => ((request.body as IDataObject).files as IDataObject[])[0].filename)
				.sort(),
		).toEqual(
			items
				.map((_, n) => n)
				.filter(isPdf)
				.map((n) => `file-${n}.pdf`)
				.sort(),
		);
		expect(jobsAfter.uploads - jobsBefore.uploads).toBe(FILES / 10);

		// The mix did hit: generate calls were refused with 429 and sent again, and status requests
		// were repeated after 503s, resets and the malformed body.
		expect(retriedGenerates).toBeGreaterThan(10);
		const polls = env.emulator.requests({ method: 'GET', path: /^\/predictions\// }).length;
		expect(polls).toBeGreaterThan(FILES * 1.1);

		expectNoProgrammingErrors(result.items);
		expect(watch.warnings).toEqual([]);
	});

	it('without continue on fail: the run stops with one clear node error naming the item, and still no job twice', async () => {
		const jobsBefore = env.emulator.jobsCreated().predictions;
		const result = await extractAll(false);

		expect(result.status).toBe('error');
		const error = result.nodeError('VLM Run') as unknown as IDataObject & { context?: IDataObject };
		expect(error.message).toMatch(/^VLM Run could not finish prediction [0-9a-f-]{36}$/);
		expect(error.description).toMatch(
			/^VLM Run said: .+ Check the input file and parameters; the prediction ID is [0-9a-f-]{36}\.( |$)/,
		);
		const itemIndex = error.context?.itemIndex as number;
		expect(itemIndex).toEqual(expect.any(Number));
		expect(itemIndex).toBeGreaterThanOrEqual(0);
		expect(itemIndex).toBeLessThan(FILES);

		// Items still queued when the failure came were never sent, and the run stopped its polls at
		// once: every job it created was either followed to its end or is named in the error as
		// still running, so the user can find it.
		const created = env.emulator.jobsCreated().predictions - jobsBefore;
		expect(created).toBeGreaterThan(0);
		expect(created).toBeLessThan(FILES);
		// The test's own reading of the emulator must not draw a fault of the mix.
		env.emulator.configure({ faultMix: null });
		const createdJobs = await newestPredictions(created);
		const named = new Set(
			(String(error.description).split('still running on VLM Run')[1] ?? '').match(
				/[0-9a-f]{8}-[0-9a-f-]{27}/g,
			) ?? [],
		);
		const polled = polledIds();
		// The others are in the error's counts: still running beyond the 20 named ("and N more"),
		// or completed (answered completed at submission, or seen so before the failure).
		const description = String(error.description);
		const unfollowed = createdJobs.filter((job) => !polled.has(job.id) && !named.has(job.id));
		const count = (pattern: RegExp) => Number(pattern.exec(description)?.[1] ?? 0);
		expect(unfollowed.length).toBeLessThanOrEqual(
			count(/ and (\d+) more\./) + count(/(\d+) jobs? of this run had already completed/),
		);

		expectNoProgrammingErrors(error);
		expect(watch.warnings).toEqual([]);
	});
});
