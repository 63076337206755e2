import { REMEMBERED_DELIVERIES } from '../../../nodes/VlmRun/trigger/properties';
import { receiveCallback } from '../../../nodes/VlmRun/trigger/webhook';
import { signatureHeader, webhookContext, type WebhookSetup } from '../webhookContext';

const SECRET = 'whsec_unit';
const prediction = {
	id: 'pred_1',
	status: 'completed',
	response: { total: 5 },
	domain: 'document.invoice',
};
const BODY = JSON.stringify(prediction);

// The trigger remembers deliveries per workflow, in the process: each delivery goes to a new
// workflow unless a test names one.
let workflows = 0;

async function deliver(setup: Partial<WebhookSetup> = {}) {
	const body = setup.body ?? BODY;
	const run = webhookContext({
		secret: SECRET,
		headers: signatureHeader(SECRET, body),
		workflowId: `workflow-${++workflows}`,
		...setup,
		body,
	});
	const result = await receiveCallback(run.ctx);
	return { ...run, result };
}

describe('VLM Run Trigger webhook', () => {
	it('emits the signed prediction as one item, without static data', async () => {
		const { result, response, staticData } = await deliver();
		expect(result.workflowData).toEqual([[{ json: prediction }]]);
		expect(response.status).toBeUndefined();
		expect(staticData).toEqual({});
	});

	it('answers 401 and starts nothing when the signature is missing, malformed or wrong', async () => {
		for (const headers of [
			{},
			{ 'x-vlmrun-signature': 'sha256=abc' },
			signatureHeader('other-secret', BODY),
		]) {
			const { result, response } = await deliver({ headers, workflowId: 'forged' });
			expect(result).toEqual({ noWebhookResponse: true });
			expect(response.status).toBe(401);
		}
		// Nothing was remembered: the genuine delivery still starts a run.
		expect((await deliver({ workflowId: 'forged' })).result.workflowData).toHaveLength(1);
	});

	it('accepts unsigned callbacks when there is no credential or no secret', async () => {
		for (const secret of [undefined, '']) {
			const { result } = await deliver({ secret, headers: {} });
			expect(result.workflowData).toEqual([[{ json: prediction }]]);
		}
	});

	it('reads the signing secret once a minute, and afresh for a delivery that does not verify', async () => {
		const credentialId = 'cred-reuse';
		const reads = async (setup: Partial<WebhookSetup>) => {
			const { credentialReads, response } = await deliver({ credentialId, ...setup });
			return [credentialReads.count, response.status ?? 200];
		};
		expect(await reads({})).toEqual([1, 200]);
		expect(await reads({})).toEqual([0, 200]);
		// The secret changed in the credential: the new signature verifies at once.
		const renewed = 'whsec_renewed';
		expect(await reads({ secret: renewed, headers: signatureHeader(renewed, BODY) })).toEqual([
			1, 200,
		]);
		expect(await reads({ secret: renewed, headers: signatureHeader(renewed, BODY) })).toEqual([
			0, 200,
		]);
		// A forged one is checked against the credential as it is now.
		expect(await reads({ secret: renewed })).toEqual([1, 401]);
		const now = Date.now();
		const clock = jest.spyOn(Date, 'now').mockReturnValue(now + 61_000);
		try {
			expect(await reads({ secret: renewed, headers: signatureHeader(renewed, BODY) })).toEqual([
				1, 200,
			]);
		} finally {
			clock.mockRestore();
		}
	});

	it('reads the credential for every delivery while it has no signing secret', async () => {
		for (let n = 0; n < 2; n++) {
			const { credentialReads, result } = await deliver({
				credentialId: 'cred-open',
				secret: '',
				headers: {},
			});
			expect(result.workflowData).toHaveLength(1);
			expect(credentialReads.count).toBe(1);
		}
	});

	it('answers 400 to a body that is not JSON or has no id', async () => {
		for (const body of ['not json', '[1]', '{"status":"completed"}']) {
			const { result, response } = await deliver({ body, headers: signatureHeader(SECRET, body) });
			expect(result.workflowData).toBeUndefined();
			expect(response.status).toBe(400);
		}
	});

	it('skips statuses that are not selected, with a 2xx so VLM Run does not retry', async () => {
		const failed = JSON.stringify({ ...prediction, status: 'failed' });
		const { result, response } = await deliver({
			body: failed,
			headers: signatureHeader(SECRET, failed),
			options: { statuses: ['completed'] },
		});
		expect(result.workflowData).toBeUndefined();
		expect(response.status).toBe(200);
		const kept = await deliver({ options: { statuses: ['completed'] } });
		expect(kept.result.workflowData).toHaveLength(1);
	});

	it('processes a repeated delivery once, and again for a new status', async () => {
		const workflowId = 'repeats';
		expect((await deliver({ workflowId })).result.workflowData).toHaveLength(1);
		const repeat = await deliver({ workflowId });
		expect(repeat.result.workflowData).toBeUndefined();
		expect(repeat.response).toEqual({
			status: 200,
			body: { received: 'pred_1', ignored: 'Already processed' },
		});
		const failed = JSON.stringify({ ...prediction, status: 'failed' });
		expect(
			(await deliver({ workflowId, body: failed, headers: signatureHeader(SECRET, failed) })).result
				.workflowData,
		).toHaveLength(1);
		// Another workflow's trigger has its own memory.
		expect((await deliver({ workflowId: 'elsewhere' })).result.workflowData).toHaveLength(1);
	});

	it('starts one run for simultaneous copies of a delivery, and answers the others 200', async () => {
		const copies = await Promise.all(
			Array.from({ length: 6 }, async () => await deliver({ workflowId: 'simultaneous' })),
		);
		expect(copies.filter(({ result }) => result.workflowData !== undefined)).toHaveLength(1);
		expect(copies.map(({ response }) => response.status).filter(Boolean)).toEqual(
			Array(5).fill(200),
		);
	});

	it('processes repeats when Ignore Repeated Deliveries is off', async () => {
		for (let i = 0; i < 2; i++) {
			const { result } = await deliver({
				workflowId: 'no-memory',
				options: { ignoreRepeats: false },
			});
			expect(result.workflowData).toHaveLength(1);
		}
	});

	it(`remembers the last ${REMEMBERED_DELIVERIES} deliveries, dropping the oldest`, async () => {
		const workflowId = 'many';
		const delivered = async (id: string) => {
			const body = JSON.stringify({ ...prediction, id });
			const { result } = await deliver({
				workflowId,
				body,
				headers: signatureHeader(SECRET, body),
			});
			return result.workflowData !== undefined;
		};
		for (let i = 0; i <= REMEMBERED_DELIVERIES; i++) expect(await delivered(`p${i}`)).toBe(true);
		expect(await delivered(`p${REMEMBERED_DELIVERIES}`)).toBe(false);
		expect(await delivered('p1')).toBe(false);
		expect(await delivered('p0')).toBe(true);
	});

	describe('Fetch Full Record', () => {
		const full = { ...prediction, usage: { credits_used: 3 } };

		it('fetches a prediction by id and emits the fetched record', async () => {
			const { result, sent } = await deliver({
				options: { fetchFull: true },
				api: { 'GET /predictions/pred_1': { statusCode: 200, body: full } },
			});
			expect(sent).toEqual(['GET /predictions/pred_1']);
			expect(result.workflowData).toEqual([[{ json: full }]]);
		});

		it('takes a payload with a name and no domain for an agent execution', async () => {
			const body = JSON.stringify({
				id: 'exec_1',
				name: 'invoice-agent',
				status: 'completed',
				response: {},
			});
			const { sent } = await deliver({
				body,
				headers: signatureHeader(SECRET, body),
				options: { fetchFull: true },
				api: { 'GET /agent/executions/exec_1': { statusCode: 200, body: { id: 'exec_1' } } },
			});
			expect(sent).toEqual(['GET /agent/executions/exec_1']);
		});

		it('tries the other kind after a 404', async () => {
			const { result, sent } = await deliver({
				options: { fetchFull: true },
				api: {
					'GET /agent/executions/pred_1': { statusCode: 200, body: { id: 'pred_1', name: 'x' } },
				},
			});
			expect(sent).toEqual(['GET /predictions/pred_1', 'GET /agent/executions/pred_1']);
			expect(result.workflowData).toEqual([[{ json: { id: 'pred_1', name: 'x' } }]]);
		});

		it('fails, without remembering the delivery, when the fetch fails or there is no credential', async () => {
			const workflowId = 'fetch-fails';
			await expect(
				deliver({
					workflowId,
					options: { fetchFull: true },
					api: { 'GET /predictions/pred_1': { statusCode: 401 } },
				}),
			).rejects.toThrow('VLM Run rejected the API key');
			expect((await deliver({ workflowId })).result.workflowData).toHaveLength(1);
			await expect(
				deliver({ secret: undefined, headers: {}, options: { fetchFull: true } }),
			).rejects.toThrow('Fetch Full Record needs a VLM Run credential');
		});
	});
});
