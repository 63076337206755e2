/* eslint-disable @n8n/community-nodes/no-restricted-globals */
// Shared pieces of the fault suite: numbered input files, process watchers and output scans.
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { BinaryInput } from '../harness';
import { fixture } from '../vlmrun';

export const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

const MARKER = /#vlmrun-fault-file-(\d+)#/;

/** A small PNG (the receipt fixture) carrying its number after the image data, so requests can be traced back to it. */
export function numberedPng(n: number): BinaryInput {
	const { data } = fixture('receipt.png');
	return {
		data: Buffer.concat([data as Buffer, Buffer.from(`#vlmrun-fault-file-${n}#`)]),
		fileName: `file-${n}.png`,
		mimeType: 'image/png',
	};
}

/** A tiny PDF (the invoice fixture) with its number in a trailing comment. */
export function numberedPdf(n: number): BinaryInput {
	const { data } = fixture('invoice-1.pdf');
	return {
		data: Buffer.concat([data as Buffer, Buffer.from(`\n%#vlmrun-fault-file-${n}#\n`)]),
		fileName: `file-${n}.pdf`,
		mimeType: 'application/pdf',
	};
}

/** The file number an inline image of a generate request carries, if any. */
export function fileNumberOfGenerate(body: unknown): number | undefined {
	const images = (body as IDataObject | null)?.images;
	if (!Array.isArray(images) || typeof images[0] !== 'string') return undefined;
	const decoded = Buffer.from(images[0].split(',')[1] ?? '', 'base64').toString('latin1');
	const match = MARKER.exec(decoded);
	return match ? Number(match[1]) : undefined;
}

export interface ProcessWatch {
	unhandledRejections: unknown[];
	uncaughtExceptions: unknown[];
	warnings: Error[];
	stop(): void;
}

/** Records unhandled rejections and uncaught exceptions while a test runs. */
export function watchProcess(): ProcessWatch {
	const watch: ProcessWatch = {
		unhandledRejections: [],
		uncaughtExceptions: [],
		warnings: [],
		stop: () => {
			process.off('unhandledRejection', onRejection);
			process.off('uncaughtException', onException);
			process.off('warning', onWarning);
		},
	};
	const onRejection = (reason: unknown) => watch.unhandledRejections.push(reason);
	const onException = (error: unknown) => watch.uncaughtExceptions.push(error);
	// e.g. MaxListenersExceededWarning from abort listeners piling up on the cancel signal.
	const onWarning = (warning: Error) => watch.warnings.push(warning);
	process.on('unhandledRejection', onRejection);
	process.on('uncaughtException', onException);
	process.on('warning', onWarning);
	return watch;
}

/** Every text of an error item, or of a node error, that could betray a programming error. */
export function errorTexts(value: unknown): string {
	return JSON.stringify(value, (_key, field: unknown) =>
		field instanceof Error ? { ...field, message: field.message, stack: field.stack } : field,
	);
}

export const PROGRAMMING_ERRORS =
	/TypeError|ReferenceError|RangeError|SyntaxError|Cannot read propert|is not a function|undefined \(reading/;

/** Prediction ids named anywhere in an output item (summary, error message, details). */
export function idsIn(item: INodeExecutionData): string[] {
	return [...new Set(JSON.stringify(item.json).match(UUID) ?? [])];
}

export function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}
