// Fewest requests per file (issue 14): Wait for Result answers in one request where VLM Run can,
// falls back to a batch job without creating a second one, reuses files VLM Run already has, and
// rides out a steady rate limit without failing items.
import { createHash } from 'node:crypto';

import type { IDataObject } from 'n8n-workflow';

import { VlmRunRequest } from '../../../nodes/VlmRun/VlmRunRequest.node';
import { createBinaryItem, runNode } from '../harness';
import { fixture, useEmulator, vlmNode } from '../vlmrun';

const env = useEmulator();
const nodeTypes = [VlmRunRequest];
const domain = (value: string) => ({ __rl: true, mode: 'id', value });

function extract(parameters: IDataObject = {}) {
	return vlmNode('vlmRunRequest', {
		resource: 'prediction',
		operation: 'extract',
		domain: domain('document.invoice'),
		...parameters,
	});
}

/** A PDF with `pages` readable page objects and `padding` bytes of comment to make it bigger. */
function pdf(pages: number, padding = 0, tag = ''): Buffer {
	const page = '<< /Type /Page /Parent 2 0 R >>\n';
	return Buffer.from(
		`%PDF-1.4\n%${tag}\n<< /Type /Pages /Count ${pages} >>\n${page.repeat(pages)}%${'x'.repeat(padding)}\n%%EOF\n`,
	);
}

const pdfItem = async (data: Buffer, fileName = 'doc.pdf') =>
	await createBinaryItem({ data: { data, fileName, mimeType: 'application/pdf' } });

afterEach(() =>
	env.emulator.configure({
		refuseSync: false,
		syncWindowMs: 60_000,
		rateLimit: null,
		hashMissMode: 'nulls',
	}),
);

/** Extract on the receipt PNG; how many predictions it created. */
async function extractReceipt() {
	const before = env.emulator.jobsCreated().predictions;
	const result = await runNode(extract({ domain: domain('document.receipt') }), {
		nodeTypes,
		inputItems: [await createBinaryItem({ data: fixture('receipt.png') })],
		credentials: env.credentials(),
	});
	expect(result.status).toBe('success');
	return { result, jobsCreated: env.emulator.jobsCreated().predictions - before };
}

const calls = () => env.emulator.requests().map((entry) => `${entry.method} ${entry.path}`);

describe('Wait for Result in the fewest requests', () => {
	it('answers an image in one request and a short PDF in two, with no status poll', async () => {
		const result = await runNode(extract({ domain: domain('document.receipt') }), {
			nodeTypes,
			inputItems: [await createBinaryItem({ data: fixture('receipt.png') })],
			credentials: env.credentials(),
		});
		expect(result.status).toBe('success');
		expect(calls()).toEqual(['POST /image/generate']);
		expect(env.emulator.requests()[0].body).toMatchObject({ batch: false });
		expect(result.items[0].json.vlmrun).toMatchObject({ status: 'completed' });

		env.emulator.clearRequests();
		const pdfRun = await runNode(extract(), {
			nodeTypes,
			inputItems: [await pdfItem(pdf(3))],
			credentials: env.credentials(),
		});
		expect(pdfRun.status).toBe('success');
		expect(calls()).toEqual(['POST /files', 'POST /document/generate']);
		expect(pdfRun.items[0].json).toHaveProperty('invoice_id');
	});

	it('reads the credential once per node run and authenticates every request with it', async () => {
		const result = await runNode(extract(), {
			nodeTypes,
			inputItems: [await pdfItem(pdf(9), 'a.pdf'), await pdfItem(pdf(9), 'b.pdf')],
			credentials: env.credentials(),
		});
		expect(result.status).toBe('success');
		expect(result.items.map((item) => item.json.vlmrun)).toEqual([
			expect.objectContaining({ status: 'completed', fileName: 'a.pdf' }),
			expect.objectContaining({ status: 'completed', fileName: 'b.pdf' }),
		]);
		// Two uploads, two batch jobs and their polls, each with the API key (the emulator logs it
		// redacted and answers 401 to a wrong one); n8n read the credential for none of them.
		const requests = env.emulator.requests();
		expect(requests.length).toBeGreaterThanOrEqual(6);
		for (const entry of requests) {
			expect(entry.headers.authorization).toBe('Bearer ***');
			expect(entry.status).toBeLessThan(300);
		}
		expect(result.credentialLookups).toHaveLength(1);
	});

	it('sends a long PDF, audio over a minute and Submit Only as batch jobs', async () => {
		const result = await runNode(extract(), {
			nodeTypes,
			inputItems: [await pdfItem(pdf(9))],
			credentials: env.credentials(),
		});
		expect(result.status).toBe('success');
		const [generate] = env.emulator.requests({ method: 'POST', path: '/document/generate' });
		expect(generate.body).toMatchObject({ batch: true });
		expect(env.emulator.requests({ method: 'GET', path: /^\/predictions\// }).length).toBe(1);

		env.emulator.clearRequests();
		const submitted = await runNode(extract({ completion: 'submitOnly' }), {
			nodeTypes,
			inputItems: [await createBinaryItem({ data: fixture('receipt.png') })],
			credentials: env.credentials(),
		});
		expect(submitted.status).toBe('success');
		expect(env.emulator.requests()[0].body).toMatchObject({ batch: true });
	});

	it('polls a synchronous request that VLM Run answered still running, creating one job', async () => {
		env.emulator.configure({ jobDurationMs: 600, syncWindowMs: 100 });
		const { result, jobsCreated } = await extractReceipt();
		expect(result.items[0].json.vlmrun).toMatchObject({ status: 'completed' });
		expect(jobsCreated).toBe(1);
		const polls = env.emulator.requests({ method: 'GET', path: /^\/predictions\// });
		expect(polls.length).toBeGreaterThanOrEqual(1);
		expect(new Set(polls.map((entry) => entry.path)).size).toBe(1);
	});

	it('sends a refused synchronous request again as a batch job, creating one job', async () => {
		env.emulator.configure({ refuseSync: true });
		const { result, jobsCreated } = await extractReceipt();
		const bodies = env.emulator
			.requests({ method: 'POST', path: '/image/generate' })
			.map((entry) => (entry.body as IDataObject).batch);
		expect(bodies).toEqual([false, true]);
		expect(jobsCreated).toBe(1);
		expect(result.items[0].json.vlmrun).toMatchObject({ status: 'completed' });
	});
});

describe('Reuse Uploaded Files', () => {
	const big = pdf(2, 1024 * 1024, 'reuse-test');
	const md5 = createHash('md5').update(big).digest('hex');

	it('uploads a big file once: a hash miss (200 with a null id) uploads, a hit reuses', async () => {
		const first = await runNode(extract(), {
			nodeTypes,
			inputItems: [await pdfItem(big, 'big.pdf')],
			credentials: env.credentials(),
		});
		expect(first.status).toBe('success');
		expect(calls()).toEqual([`GET /files/hash/${md5}`, 'POST /files', 'POST /document/generate']);

		env.emulator.clearRequests();
		const second = await runNode(extract(), {
			nodeTypes,
			inputItems: [await pdfItem(big, 'big-again.pdf')],
			credentials: env.credentials(),
		});
		expect(second.status).toBe('success');
		expect(calls()).toEqual([`GET /files/hash/${md5}`, 'POST /document/generate']);
		const uploaded = first.items[0].json.vlmrun as IDataObject;
		expect(uploaded.status).toBe('completed');
	});

	it('treats a 404 hash miss as a miss, and does not look up small files or when turned off', async () => {
		env.emulator.configure({ hashMissMode: '404' });
		const other = pdf(2, 1024 * 1024, 'reuse-404');
		const result = await runNode(extract(), {
			nodeTypes,
			inputItems: [await pdfItem(other, 'other.pdf'), await pdfItem(pdf(1), 'small.pdf')],
			credentials: env.credentials(),
		});
		expect(result.status).toBe('success');
		expect(env.emulator.requests({ method: 'GET', path: '/files/hash/*' })).toHaveLength(1);
		expect(env.emulator.requests({ method: 'POST', path: '/files' })).toHaveLength(2);
		env.emulator.configure({ hashMissMode: 'nulls' });

		env.emulator.clearRequests();
		await runNode(extract({ options: { reuseUploads: false } }), {
			nodeTypes,
			inputItems: [await pdfItem(other, 'other.pdf')],
			credentials: env.credentials(),
		});
		expect(calls()).toEqual(['POST /files', 'POST /document/generate']);
	});
});

describe('a steady rate limit costs waiting, not items', () => {
	const images = async (count: number) =>
		await Promise.all(
			Array.from(
				{ length: count },
				async () => await createBinaryItem({ data: fixture('receipt.png') }),
			),
		);

	it.each([
		['with Retry-After', true],
		['without Retry-After', false],
	])('finishes every item behind 300 requests/min, burst 2, %s', async (_name, retryAfter) => {
		env.emulator.configure({ rateLimit: { perMinute: 300, burst: 2, retryAfter } });
		const result = await runNode(
			extract({ domain: domain('document.receipt'), options: { maxConcurrency: 10 } }),
			{ nodeTypes, inputItems: await images(12), credentials: env.credentials() },
		);
		expect(result.status).toBe('success');
		expect(result.items).toHaveLength(12);
		expect(result.items.every((item) => item.json.error === undefined)).toBe(true);
		const accepted = env.emulator.requests().filter((entry) => entry.status === 201);
		expect(accepted).toHaveLength(12);
	});

	it('with Requests per Minute on the credential, spaces the requests and is never refused', async () => {
		env.emulator.configure({ rateLimit: { perMinute: 300, burst: 2, retryAfter: true } });
		const credentials = env.credentials();
		const result = await runNode(
			extract({ domain: domain('document.receipt'), options: { maxConcurrency: 10 } }),
			{
				nodeTypes,
				inputItems: await images(6),
				credentials: { vlmRunApi: { ...credentials.vlmRunApi, requestsPerMinute: 290 } },
			},
		);
		expect(result.status).toBe('success');
		expect(env.emulator.requests().map((entry) => entry.status)).toEqual(Array(6).fill(201));
	});
});
