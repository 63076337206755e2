import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { createBinaryItem, runWorkflow } from '../harness';
import { fixture, useEmulator } from '../vlmrun';
import { executionNode, nodeTypes, pdfItem, runParams } from './execution';

/* Review Rules on Execution → Run: the agent's answer checked against the schema it was given. */

const env = useEmulator();
jest.setTimeout(30_000);

const SCHEMA = {
	type: 'object',
	required: ['same_person', 'verdict', 'amount'],
	properties: {
		same_person: { type: 'boolean' },
		verdict: { type: 'string', enum: ['approve', 'reject'] },
		amount: { type: 'number' },
	},
};

async function run(parameters: INodeParameters, inputItems: INodeExecutionData[]) {
	const result = await runWorkflow({
		nodes: [executionNode(runParams(parameters))],
		nodeTypes,
		inputItems,
		credentials: env.credentials(),
	});
	expect(result.error).toBeUndefined();
	return {
		result,
		confident: result.outputs('VLM Run', { output: 0 }),
		needsReview: result.outputs('VLM Run', { output: 1 }),
	};
}

const review = (item: INodeExecutionData) =>
	(item.json.vlmrun as IDataObject).review as { needed: boolean; reasons: IDataObject[] };

describe('Review Rules on Execution → Run', () => {
	it('offers no Minimum Confidence: agents return no confidence scores', () => {
		const node = new nodeTypes[0]();
		const rules = node.description.properties.find((p) => p.name === 'reviewRules');
		expect(rules?.options?.map((option) => option.name)).toEqual(['condition', 'validateSchema']);
	});

	it('sends an answer that breaks the Output Schema to Needs Review, one execution per item', async () => {
		const { result, confident, needsReview } = await run(
			{
				schemaSource: 'json',
				jsonSchema: JSON.stringify(SCHEMA),
				reviewRules: { validateSchema: true },
			},
			[
				await pdfItem('invoice-1.pdf'),
				await createBinaryItem({
					data: { ...fixture('invoice-2.pdf'), fileName: 'claim-emulator-invalid.pdf' },
				}),
				await pdfItem('invoice-1.pdf'),
			],
		);
		expect(result.task('VLM Run').data?.main).toHaveLength(2);
		expect(confident.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 2 }]);
		expect(confident.map(review)).toEqual([
			{ needed: false, reasons: [] },
			{ needed: false, reasons: [] },
		]);
		expect(needsReview.map((item) => item.pairedItem)).toEqual([{ item: 1 }]);
		expect(review(needsReview[0]).reasons).toEqual([
			{
				field: 'same_person',
				rule: 'required',
				value: null,
				confidence: null,
				message: 'same_person is required but missing',
			},
			expect.objectContaining({ field: 'verdict', rule: 'enum', value: 'UNREADABLE' }),
			expect.objectContaining({ field: 'amount', rule: 'type', value: 'illegible' }),
		]);
	});

	it("validates against an existing agent's schema and applies the condition to the answer", async () => {
		const created = await fetch(`${env.emulator.baseUrl}/agent/create`, {
			method: 'POST',
			headers: {
				authorization: `Bearer ${env.emulator.apiKey}`,
				'content-type': 'application/json',
			},
			body: JSON.stringify({
				name: 'claims-checker',
				config: { prompt: 'Check the claim.', json_schema: SCHEMA },
			}),
		});
		expect(created.status).toBeLessThan(300);
		const { needsReview, confident } = await run(
			{
				agentSource: 'agent',
				agent: { __rl: true, mode: 'id', value: 'claims-checker' },
				reviewRules: { validateSchema: true, condition: '={{ $json.amount > 100 }}' },
			},
			[await pdfItem()],
		);
		expect(confident).toHaveLength(0);
		// The synthesised answer is valid (amount 123.45), but above the condition's limit.
		expect(review(needsReview[0]).reasons).toEqual([
			expect.objectContaining({ field: null, rule: 'condition', value: true }),
		]);
	});
});
