// Files VLM Run cannot take, beyond the catalogue's mixed email: Skip Unsupported Files on every
// node that takes several files, items whose every file is unusable, One for All Items, and
// Wait for Callback with an unusable file next to good ones.
import type {
	IDataObject,
	INodeExecutionData,
	INodeParameters,
	IPairedItemData,
} from 'n8n-workflow';

import { VlmRunChat } from '../../../nodes/VlmRun/VlmRunChat.node';
import { VlmRunExecution } from '../../../nodes/VlmRun/VlmRunExecution.node';
import { VlmRunRequest } from '../../../nodes/VlmRun/VlmRunRequest.node';
import { createBinaryItem, runNode, type WorkflowNode } from '../harness';
import { resumeWaiting, waitingJobs } from '../resume';
import { fixture, useEmulator, vlmNode } from '../vlmrun';

jest.setTimeout(30_000);

const env = useEmulator();

const NOTES = { data: 'Call me back.\n', fileName: 'notes.txt', mimeType: 'text/plain' };
const INVITE = { data: 'BEGIN:VCALENDAR\n', fileName: 'invite.ics', mimeType: 'text/calendar' };
const skippedNotes = {
	fileName: 'notes.txt',
	binaryProperty: 'attachment_1',
	mimeType: 'text/plain',
	bytes: 14,
	reason: 'VLM Run does not read this file type',
};

const skip = { skipUnsupported: true };
const invoiceAndNotes = async (json: IDataObject = {}) =>
	await createBinaryItem({ attachment_0: fixture('invoice-1.pdf'), attachment_1: NOTES }, json);
const onlyNoise = async (json: IDataObject = {}) =>
	await createBinaryItem({ attachment_0: NOTES, attachment_1: INVITE }, json);

async function run(
	type: 'vlmRunRequest' | 'vlmRunExecution' | 'vlmRunChat',
	parameters: INodeParameters,
	inputItems: INodeExecutionData[],
	extra: Partial<WorkflowNode> = {},
) {
	return await runNode(vlmNode(type, parameters, extra), {
		nodeTypes: [VlmRunRequest, VlmRunExecution, VlmRunChat],
		inputItems,
		credentials: env.credentials(),
	});
}

const runAgent = (parameters: INodeParameters = {}): INodeParameters => ({
	resource: 'execution',
	operation: 'run',
	prompt: 'Summarise the files.',
	binarySelection: 'all',
	...parameters,
});
const extract = (parameters: INodeParameters = {}): INodeParameters => ({
	resource: 'prediction',
	operation: 'extract',
	domain: { __rl: true, mode: 'id', value: 'document.invoice' },
	binarySelection: 'all',
	...parameters,
});

describe('Skip Unsupported Files', () => {
	it('Execution Run sends the usable files only and lists the skipped ones in vlmrun', async () => {
		const result = await run('vlmRunExecution', runAgent({ options: skip }), [
			await invoiceAndNotes(),
		]);
		expect(result.status).toBe('success');
		const [execute] = env.emulator.requests({ method: 'POST', path: '/agent/execute' });
		expect(Object.keys((execute.body as IDataObject).inputs as IDataObject)).toEqual([
			'attachment_0',
		]);
		expect(env.emulator.requests({ method: 'POST', path: '/files' })).toHaveLength(1);
		expect(result.items).toHaveLength(1);
		expect((result.items[0].json.vlmrun as IDataObject).skippedFiles).toEqual([skippedNotes]);
	});

	it('Chat sends the usable attachments only and lists the skipped ones on the reply', async () => {
		const result = await run(
			'vlmRunChat',
			{ resource: 'chat', operation: 'message', binarySelection: 'all', options: skip },
			[
				await invoiceAndNotes({
					sessionId: '0b6c3f1e-3c2a-4a8e-9a51-6f1d2e3c4b5a',
					chatInput: 'What is due?',
				}),
			],
		);
		expect(result.status).toBe('success');
		const [chat] = env.emulator.requests({ method: 'POST', path: '/openai/chat/completions' });
		const content = ((chat.body as IDataObject).messages as IDataObject[]).at(-1)
			?.content as IDataObject[];
		expect(content.map((part) => part.type)).toEqual(['input_file', 'text']);
		expect(result.items[0].json.skippedFiles).toEqual([skippedNotes]);
	});

	it('an item whose every file is skipped sends nothing and says so; the other items run', async () => {
		const result = await run('vlmRunRequest', extract({ options: skip }), [
			await invoiceAndNotes(),
			await onlyNoise(),
		]);
		expect(result.status).toBe('success');
		expect(env.emulator.requests({ method: 'POST', path: '/document/generate' })).toHaveLength(1);
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(result.items[1].json).toEqual({
			vlmrun: {
				status: 'skipped',
				skippedFiles: [
					{ ...skippedNotes, binaryProperty: 'attachment_0' },
					{
						fileName: 'invite.ics',
						binaryProperty: 'attachment_1',
						mimeType: 'text/calendar',
						bytes: 16,
						reason: 'VLM Run does not read this file type',
					},
				],
			},
		});
	});

	it('Execution Run starts no execution for an item with nothing usable', async () => {
		const result = await run('vlmRunExecution', runAgent({ options: skip }), [await onlyNoise()]);
		expect(result.status).toBe('success');
		expect(env.emulator.requests()).toEqual([]);
		expect((result.items[0].json.vlmrun as IDataObject).status).toBe('skipped');
	});
});

describe('Unusable files under continue-on-fail', () => {
	it('Execution Run, One for All Items: one execution with every usable file, an error item per unusable one paired to its item', async () => {
		const result = await run(
			'vlmRunExecution',
			runAgent({ grouping: 'allItems' }),
			[await invoiceAndNotes(), await onlyNoise()],
			{ onError: 'continueRegularOutput' },
		);
		expect(result.status).toBe('success');
		const executions = env.emulator.requests({ method: 'POST', path: '/agent/execute' });
		expect(executions).toHaveLength(1);
		expect(Object.keys((executions[0].body as IDataObject).inputs as IDataObject)).toEqual([
			'attachment_0',
		]);
		const errors = result.items.filter((item) => 'error' in item.json);
		expect(
			errors.map((item) => [(item.pairedItem as IPairedItemData).item, item.json.error]),
		).toEqual([
			[
				0,
				'The file "notes.txt" (binary field "attachment_1", text/plain, 14 bytes) cannot be sent to VLM Run: VLM Run does not read this file type',
			],
			[
				1,
				'The file "notes.txt" (binary field "attachment_0", text/plain, 14 bytes) cannot be sent to VLM Run: VLM Run does not read this file type',
			],
			[
				1,
				'The file "invite.ics" (binary field "attachment_1", text/calendar, 16 bytes) cannot be sent to VLM Run: VLM Run does not read this file type',
			],
		]);
		const [outcome] = result.items.filter((item) => !('error' in item.json));
		expect(outcome.pairedItem).toEqual([{ item: 0 }, { item: 1 }]);
		expect((outcome.json.vlmrun as IDataObject).status).toBe('completed');
	});

	it('Wait for Callback: the unusable file is an error item beside the resumed result', async () => {
		env.emulator.configure({ jobMode: 'manual' });
		const node = vlmNode('vlmRunRequest', extract({ completion: 'waitForCallback' }), {
			onError: 'continueRegularOutput',
		});
		const credentials = env.credentials();
		const waiting = await runNode(node, {
			nodeTypes: [VlmRunRequest],
			inputItems: [await invoiceAndNotes()],
			credentials,
		});
		expect(waiting.status).toBe('waiting');
		expect(env.emulator.requests({ method: 'POST', path: '/document/generate' })).toHaveLength(1);
		const [id] = waitingJobs(waiting);
		const answer = await resumeWaiting(waiting, {
			nodeTypes: [VlmRunRequest],
			credentials,
			body: JSON.stringify({ id, status: 'completed', response: { total: 12 } }),
		});
		expect(answer.response.webhookResponse).toEqual({ received: id, resumed: true });
		expect(answer.items?.map((item) => item.json)).toEqual([
			expect.objectContaining({
				total: 12,
				vlmrun: expect.objectContaining({ predictionId: id, fileName: 'invoice-1.pdf' }),
			}),
			{
				error:
					'The file "notes.txt" (binary field "attachment_1", text/plain, 14 bytes) cannot be sent to VLM Run: VLM Run does not read this file type',
				details: expect.stringMatching(/^VLM Run accepts images/),
			},
		]);
	});
});
