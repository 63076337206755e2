import type { IExecuteFunctions } from 'n8n-workflow';

import type { InputFile } from '../../../nodes/VlmRun/shared/binary';
import {
	answersSynchronously,
	jobClass,
	pdfPageCount,
	SYNC_MAX_BYTES,
} from '../../../nodes/VlmRun/shared/syncLimits';

function pdf(pages: number): Buffer {
	return Buffer.from(
		`%PDF-1.4\n<< /Type /Pages /Count ${pages} >>\n${'<< /Type /Page >>\n'.repeat(pages)}%%EOF`,
	);
}

/** A context whose only binary is `bytes`. */
function withBytes(bytes: Buffer) {
	return {
		helpers: { getBinaryDataBuffer: async () => bytes },
	} as unknown as IExecuteFunctions;
}

const file = (size: number) => ({ size, itemIndex: 0, property: 'data' }) as InputFile;

describe('synchronous limits', () => {
	it('counts the page objects of a PDF, not its page tree', () => {
		expect(pdfPageCount(pdf(3))).toBe(3);
		expect(pdfPageCount(Buffer.from('%PDF-1.7\n<< /Type /ObjStm >>'))).toBeUndefined();
		expect(pdfPageCount(Buffer.from('PK\u0003\u0004 a docx'))).toBeUndefined();
	});

	it('answers images always, PDFs up to 8 pages, audio up to 1 MiB, never video or URLs', async () => {
		const none = withBytes(Buffer.alloc(0));
		expect(await answersSynchronously(none, { modality: 'image' })).toBe(true);
		expect(
			await answersSynchronously(withBytes(pdf(8)), { modality: 'document', file: file(500) }),
		).toBe(true);
		expect(
			await answersSynchronously(withBytes(pdf(9)), { modality: 'document', file: file(500) }),
		).toBe(false);
		// The Pages option decides without reading the file.
		expect(
			await answersSynchronously(none, { modality: 'document', file: file(500), pageCount: 2 }),
		).toBe(true);
		// Pages that cannot be counted: by size.
		const docx = withBytes(Buffer.from('PK'));
		expect(
			await answersSynchronously(docx, { modality: 'document', file: file(SYNC_MAX_BYTES) }),
		).toBe(true);
		expect(
			await answersSynchronously(docx, { modality: 'document', file: file(SYNC_MAX_BYTES + 1) }),
		).toBe(false);
		expect(
			await answersSynchronously(none, { modality: 'audio', file: file(SYNC_MAX_BYTES) }),
		).toBe(true);
		expect(
			await answersSynchronously(none, { modality: 'audio', file: file(SYNC_MAX_BYTES + 1) }),
		).toBe(false);
		expect(await answersSynchronously(none, { modality: 'video', file: file(10) })).toBe(false);
		expect(await answersSynchronously(none, { modality: 'document' })).toBe(false);
	});

	it('classes jobs by input type, pages and size', () => {
		expect(jobClass({ modality: 'document', file: file(1000) })).toBe(
			jobClass({ modality: 'document', file: file(1100) }),
		);
		expect(jobClass({ modality: 'document', file: file(1000) })).not.toBe(
			jobClass({ modality: 'document', file: file(100_000) }),
		);
		expect(jobClass({ modality: 'audio' })).toBe('audio::url');
	});
});
