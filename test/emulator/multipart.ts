/* eslint-disable @n8n/community-nodes/no-restricted-imports */
import { createHash, type Hash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

import { HttpError, MAX_BUFFERED_BODY } from './http';

export interface UploadedPart {
	field: string;
	filename: string;
	contentType: string;
	bytes: number;
	md5: string;
	/** null once the part outgrew the in-memory cap; only size and md5 are kept then. */
	data: Buffer | null;
}

export interface MultipartResult {
	fields: Record<string, string>;
	files: UploadedPart[];
	rawBytes: number;
}

const MAX_HEADER_BYTES = 16 * 1024;
const MAX_FIELD_BYTES = 1024 * 1024;

/** Accumulates one file part: hashes everything, buffers only up to the cap. */
export class ByteSink {
	bytes = 0;
	private chunks: Buffer[] | null = [];
	private readonly hash: Hash = createHash('md5');

	write(chunk: Buffer): void {
		if (chunk.length === 0) return;
		this.bytes += chunk.length;
		this.hash.update(chunk);
		if (this.chunks && this.bytes <= MAX_BUFFERED_BODY) this.chunks.push(chunk);
		else this.chunks = null;
	}

	finish(): { bytes: number; md5: string; data: Buffer | null } {
		return {
			bytes: this.bytes,
			md5: this.hash.digest('hex'),
			data: this.chunks ? Buffer.concat(this.chunks) : null,
		};
	}
}

export function boundaryOf(contentType: string | undefined): string | null {
	if (!contentType || !/^multipart\/form-data/i.test(contentType)) return null;
	const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
	return match ? (match[1] ?? match[2]) : null;
}

function dispositionParam(header: string, name: string): string | undefined {
	const extended = new RegExp(`${name}\\*=(?:UTF-8|utf-8)''([^;]+)`).exec(header);
	if (extended) return decodeURIComponent(extended[1]);
	const match = new RegExp(`(?:^|;)\\s*${name}=(?:"((?:[^"\\\\]|\\\\.)*)"|([^;]*))`, 'i').exec(
		header,
	);
	if (!match) return undefined;
	return match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2].trim();
}

/**
 * Streaming multipart/form-data parser. File parts are never held whole beyond the cap, so a
 * huge multipart upload costs constant memory.
 */
export async function parseMultipart(
	req: IncomingMessage,
	boundary: string,
): Promise<MultipartResult> {
	const delimiter = Buffer.from(`\r\n--${boundary}`);
	const keep = delimiter.length + 4;
	// A leading CRLF lets the first boundary match the same delimiter as the others.
	let buffer: Buffer = Buffer.from('\r\n');
	let state: 'preamble' | 'boundary' | 'headers' | 'body' | 'done' = 'preamble';
	let rawBytes = 0;
	let part: {
		field: string;
		filename?: string;
		contentType: string;
		sink: ByteSink;
		text: Buffer[];
	} | null = null;
	const result: MultipartResult = { fields: {}, files: [], rawBytes: 0 };

	const emit = (data: Buffer) => {
		if (!part || data.length === 0) return;
		if (part.filename !== undefined) return part.sink.write(data);
		part.text.push(data);
		if (part.text.reduce((n, b) => n + b.length, 0) > MAX_FIELD_BYTES)
			throw new HttpError(413, 'Form field too large');
	};
	const closePart = () => {
		if (!part) return;
		if (part.filename !== undefined) {
			result.files.push({
				field: part.field,
				filename: part.filename,
				contentType: part.contentType,
				...part.sink.finish(),
			});
		} else {
			result.fields[part.field] = Buffer.concat(part.text).toString('utf8');
		}
		part = null;
	};

	for await (const chunk of req) {
		rawBytes += (chunk as Buffer).length;
		buffer = buffer.length ? Buffer.concat([buffer, chunk as Buffer]) : (chunk as Buffer);
		for (;;) {
			if (state === 'done') {
				buffer = Buffer.alloc(0);
				break;
			}
			if (state === 'preamble' || state === 'body') {
				const index = buffer.indexOf(delimiter);
				if (index === -1) {
					if (state === 'body') emit(buffer.subarray(0, Math.max(0, buffer.length - keep)));
					buffer = buffer.subarray(Math.max(0, buffer.length - keep));
					break;
				}
				if (state === 'body') emit(buffer.subarray(0, index));
				closePart();
				buffer = buffer.subarray(index + delimiter.length);
				state = 'boundary';
			}
			if (state === 'boundary') {
				if (buffer.length < 2) break;
				if (buffer.subarray(0, 2).toString() === '--') {
					state = 'done';
					continue;
				}
				const lineEnd = buffer.indexOf('\r\n');
				if (lineEnd === -1) break;
				buffer = buffer.subarray(lineEnd + 2);
				state = 'headers';
			}
			if (state === 'headers') {
				const end = buffer.indexOf('\r\n\r\n');
				if (end === -1) {
					if (buffer.length > MAX_HEADER_BYTES)
						throw new HttpError(400, 'Malformed multipart headers');
					break;
				}
				const headers = buffer.subarray(0, end).toString('utf8').split('\r\n');
				buffer = buffer.subarray(end + 4);
				const find = (name: string) =>
					headers
						.find((h) => h.toLowerCase().startsWith(`${name}:`))
						?.slice(name.length + 1)
						.trim() ?? '';
				const disposition = find('content-disposition');
				part = {
					field: dispositionParam(disposition, 'name') ?? '',
					filename: dispositionParam(disposition, 'filename'),
					contentType: find('content-type') || 'application/octet-stream',
					sink: new ByteSink(),
					text: [],
				};
				state = 'body';
			}
		}
	}
	if (state !== 'done')
		throw new HttpError(400, 'Malformed multipart body: missing closing boundary');
	result.rawBytes = rawBytes;
	return result;
}
