import {
	inputName,
	mergeInputs,
	uniqueName,
	type PlannedInput,
} from '../../../nodes/VlmRun/execution/inputs';

describe('inputName', () => {
	it.each([
		['data', 'data'],
		['attachment_0', 'attachment_0'],
		['bank statement', 'bank_statement'],
		['id-card.front', 'id_card_front'],
		['  payslip  ', 'payslip'],
		['2024 tax return', 'file_2024_tax_return'],
	])('%s → %s', (field, name) => {
		expect(inputName(field)).toBe(name);
	});
});

describe('uniqueName', () => {
	it('keeps a free name and numbers clashes from 2', () => {
		const taken = new Set<string>(['data']);
		expect(uniqueName('data', taken)).toBe('data_2');
		expect(uniqueName('data', taken)).toBe('data_3');
		expect(uniqueName('invoice', taken)).toBe('invoice');
		expect([...taken]).toEqual(['data', 'data_2', 'data_3', 'invoice']);
	});
});

describe('mergeInputs', () => {
	it('keeps the order of items and inputs, suffixing names an earlier item already used', () => {
		const text = (name: string, value: string): PlannedInput => ({
			name,
			kind: 'text',
			text: value,
		});
		const merged = mergeInputs([
			[text('data', 'a'), text('note', 'n')],
			[text('data', 'b')],
			[text('data', 'c'), text('note', 'm')],
		]);
		expect(merged.map((input) => input.name)).toEqual([
			'data',
			'note',
			'data_2',
			'data_3',
			'note_2',
		]);
		expect(merged.map((input) => (input.kind === 'text' ? input.text : ''))).toEqual([
			'a',
			'n',
			'b',
			'c',
			'm',
		]);
	});
});
