import { MAX_DECODED_PIXELS, type RgbImage } from './image';
import { BitReader, huffmanTable, nextMarker, type HuffmanTable } from './jpegHuffman';
import { toRgb, ZIGZAG, type ComponentPlane } from './jpegPixels';

/*
 * JPEG (ITU T.81) decoding of the review's input: baseline and extended sequential (8-bit) and
 * progressive Huffman-coded files, greyscale or three components (YCbCr, or RGB per Adobe's
 * marker) at any chroma subsampling, with restart markers. Every scan first fills the
 * coefficients; the pixels come from them at the end, so sequential and progressive files share
 * one path. Arithmetic coding, lossless, hierarchical, 12-bit and CMYK files return undefined:
 * the review then keeps its SVG, which the browser draws from the file itself.
 */

interface Component extends ComponentPlane {
	id: number;
	quantisationId: number;
	/** Blocks that hold image samples (the rest of blocksAcross/Down pads whole MCUs). */
	usedAcross: number;
	usedDown: number;
	dcTable?: HuffmanTable;
	acTable?: HuffmanTable;
	predictor: number;
}

interface Frame {
	progressive: boolean;
	width: number;
	height: number;
	components: Component[];
	maxH: number;
	maxV: number;
	mcusAcross: number;
	mcusDown: number;
}

interface Scan {
	components: Component[];
	start: number;
	end: number;
	high: number;
	low: number;
}

class Unsupported extends Error {}

export const isJpeg = (bytes: Uint8Array) =>
	bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;

export function decodeJpeg(bytes: Uint8Array): RgbImage | undefined {
	if (!isJpeg(bytes)) return undefined;
	try {
		return new JpegDecoder(bytes).decode();
	} catch {
		// Unsupported or corrupt: the caller keeps the SVG picture.
		return undefined;
	}
}

class JpegDecoder {
	private readonly quantisation: Uint16Array[] = [];
	private readonly dcTables: HuffmanTable[] = [];
	private readonly acTables: HuffmanTable[] = [];
	private restartInterval = 0;
	private frame?: Frame;
	private adobeTransform?: number;
	private eobRun = 0;

	constructor(private readonly data: Uint8Array) {}

	private u16(at: number): number {
		return (this.data[at] << 8) | this.data[at + 1];
	}

	decode(): RgbImage | undefined {
		let at = 2;
		for (;;) {
			const marker = nextMarker(this.data, at);
			if (marker < 0) break;
			const type = this.data[marker + 1];
			if (type === 0xd9) break; // EOI
			if (type === 0xd8 || (type >= 0xd0 && type <= 0xd7)) {
				at = marker + 2;
				continue;
			}
			const length = this.u16(marker + 2);
			const body = marker + 4;
			const end = marker + 2 + length;
			if (end > this.data.length) throw new Error('JPEG segment ends early');
			if (type === 0xdb) this.readQuantisation(body, end);
			else if (type === 0xc4) this.readHuffman(body, end);
			else if (type === 0xdd) this.restartInterval = this.u16(body);
			else if (type === 0xc0 || type === 0xc1 || type === 0xc2) this.readFrame(body, type === 0xc2);
			else if ((type >= 0xc3 && type <= 0xcf) || type === 0xdc) throw new Unsupported();
			else if (type === 0xee) this.readAdobe(body, end);
			else if (type === 0xda) {
				at = this.readScan(body);
				continue;
			}
			at = end;
		}
		const frame = this.frame;
		if (!frame) return undefined;
		const ids = frame.components.map((component) => component.id);
		const rgb =
			frame.components.length === 3 &&
			(this.adobeTransform === 0 || String.fromCharCode(...ids) === 'RGB');
		return toRgb(frame.width, frame.height, frame.components, rgb);
	}

	private readQuantisation(at: number, end: number): void {
		while (at < end) {
			const precision = this.data[at] >> 4;
			const id = this.data[at] & 15;
			const table = new Uint16Array(64);
			for (let i = 0; i < 64; i++)
				table[ZIGZAG[i]] = precision ? this.u16(at + 1 + i * 2) : this.data[at + 1 + i];
			this.quantisation[id] = table;
			at += 1 + 64 * (precision ? 2 : 1);
		}
	}

	private readHuffman(at: number, end: number): void {
		while (at < end) {
			const tableClass = this.data[at] >> 4;
			const id = this.data[at] & 15;
			const counts = this.data.subarray(at + 1, at + 17);
			const total = counts.reduce((sum, count) => sum + count, 0);
			const table = huffmanTable(counts, this.data.subarray(at + 17, at + 17 + total));
			(tableClass === 0 ? this.dcTables : this.acTables)[id] = table;
			at += 17 + total;
		}
	}

	private readAdobe(at: number, end: number): void {
		const name = String.fromCharCode(...this.data.subarray(at, at + 5));
		if (name === 'Adobe' && end - at >= 12) this.adobeTransform = this.data[at + 11];
	}

	private readFrame(at: number, progressive: boolean): void {
		if (this.frame) throw new Unsupported(); // hierarchical files have several
		const precision = this.data[at];
		const height = this.u16(at + 1);
		const width = this.u16(at + 3);
		const count = this.data[at + 5];
		// 12-bit samples, CMYK and a height given later (DNL) are not read.
		if (precision !== 8 || (count !== 1 && count !== 3) || !width || !height)
			throw new Unsupported();
		if (width * height > MAX_DECODED_PIXELS) throw new Unsupported();
		const raw = Array.from({ length: count }, (_, i) => ({
			id: this.data[at + 6 + i * 3],
			h: this.data[at + 7 + i * 3] >> 4,
			v: this.data[at + 7 + i * 3] & 15,
			quantisationId: this.data[at + 8 + i * 3],
		}));
		if (raw.some(({ h, v }) => h < 1 || h > 4 || v < 1 || v > 4)) throw new Error('bad sampling');
		const maxH = Math.max(...raw.map((c) => c.h));
		const maxV = Math.max(...raw.map((c) => c.v));
		const mcusAcross = Math.ceil(width / (8 * maxH));
		const mcusDown = Math.ceil(height / (8 * maxV));
		const components = raw.map((c): Component => {
			const blocksAcross = mcusAcross * c.h;
			const blocksDown = mcusDown * c.v;
			return {
				...c,
				blocksAcross,
				blocksDown,
				usedAcross: Math.ceil(Math.ceil((width * c.h) / maxH) / 8),
				usedDown: Math.ceil(Math.ceil((height * c.v) / maxV) / 8),
				coefficients: new Int16Array(blocksAcross * blocksDown * 64),
				quantisation: new Uint16Array(64),
				predictor: 0,
			};
		});
		this.frame = { progressive, width, height, components, maxH, maxV, mcusAcross, mcusDown };
	}

	/** Decodes one scan; returns the offset after its entropy-coded data. */
	private readScan(at: number): number {
		const frame = this.frame;
		if (!frame) throw new Error('JPEG scan before its frame');
		const count = this.data[at];
		const components = Array.from({ length: count }, (_, i) => {
			const component = frame.components.find((c) => c.id === this.data[at + 1 + i * 2]);
			if (!component) throw new Error('JPEG scan names an unknown component');
			const tables = this.data[at + 2 + i * 2];
			component.dcTable = this.dcTables[tables >> 4];
			component.acTable = this.acTables[tables & 15];
			return component;
		});
		const spectral = at + 1 + count * 2;
		const scan: Scan = {
			components,
			start: this.data[spectral],
			end: this.data[spectral + 1],
			high: this.data[spectral + 2] >> 4,
			low: this.data[spectral + 2] & 15,
		};
		// The tables in force when the frame's data is complete; DQT comes before the scans using it.
		for (const component of frame.components) {
			const table = this.quantisation[component.quantisationId];
			if (table) component.quantisation = table;
		}
		const reader = new BitReader(this.data, spectral + 3);
		this.decodeScan(frame, scan, reader);
		return reader.position;
	}

	private decodeScan(frame: Frame, scan: Scan, reader: BitReader): void {
		const decodeBlock = this.blockDecoder(frame, scan);
		for (const component of scan.components) component.predictor = 0;
		this.eobRun = 0;
		const single = scan.components.length === 1;
		// One component alone is coded block by block over its own size, not in MCUs.
		const first = scan.components[0];
		const total = single ? first.usedAcross * first.usedDown : frame.mcusAcross * frame.mcusDown;
		for (let mcu = 0; mcu < total; mcu++) {
			if (this.restartInterval && mcu > 0 && mcu % this.restartInterval === 0) {
				if (!reader.restart()) return;
				for (const component of scan.components) component.predictor = 0;
				this.eobRun = 0;
			}
			if (single) {
				const row = Math.floor(mcu / first.usedAcross);
				const column = mcu % first.usedAcross;
				decodeBlock(first, (row * first.blocksAcross + column) * 64, reader);
				continue;
			}
			const mcuRow = Math.floor(mcu / frame.mcusAcross);
			const mcuColumn = mcu % frame.mcusAcross;
			for (const component of scan.components) {
				for (let v = 0; v < component.v; v++) {
					for (let h = 0; h < component.h; h++) {
						const row = mcuRow * component.v + v;
						const column = mcuColumn * component.h + h;
						decodeBlock(component, (row * component.blocksAcross + column) * 64, reader);
					}
				}
			}
		}
	}

	private blockDecoder(
		frame: Frame,
		scan: Scan,
	): (component: Component, offset: number, reader: BitReader) => void {
		if (!frame.progressive) return (c, o, r) => this.sequentialBlock(c, o, r);
		if (scan.start === 0) {
			return scan.high === 0
				? (c, o, r) => this.dcFirst(c, o, r, scan.low)
				: (c, o, r) => this.dcRefine(c, o, r, scan.low);
		}
		return scan.high === 0
			? (c, o, r) => this.acFirst(c, o, r, scan)
			: (c, o, r) => this.acRefine(c, o, r, scan);
	}

	private tables(component: Component): { dc: HuffmanTable; ac: HuffmanTable } {
		if (!component.dcTable || !component.acTable) throw new Error('JPEG Huffman table missing');
		return { dc: component.dcTable, ac: component.acTable };
	}

	private sequentialBlock(component: Component, offset: number, reader: BitReader): void {
		const { dc, ac } = this.tables(component);
		const out = component.coefficients;
		component.predictor += reader.receiveExtend(reader.decode(dc));
		out[offset] = component.predictor;
		for (let k = 1; k < 64; ) {
			const symbol = reader.decode(ac);
			const size = symbol & 15;
			const run = symbol >> 4;
			if (size === 0) {
				if (run < 15) break; // end of block
				k += 16;
				continue;
			}
			k += run;
			if (k > 63) break;
			out[offset + ZIGZAG[k]] = reader.receiveExtend(size);
			k++;
		}
	}

	private dcFirst(component: Component, offset: number, reader: BitReader, low: number): void {
		if (!component.dcTable) throw new Error('JPEG Huffman table missing');
		component.predictor += reader.receiveExtend(reader.decode(component.dcTable));
		component.coefficients[offset] = component.predictor * (1 << low);
	}

	private dcRefine(component: Component, offset: number, reader: BitReader, low: number): void {
		if (reader.bit()) component.coefficients[offset] |= 1 << low;
	}

	private acFirst(component: Component, offset: number, reader: BitReader, scan: Scan): void {
		if (this.eobRun > 0) {
			this.eobRun--;
			return;
		}
		const ac = this.tables(component).ac;
		for (let k = scan.start; k <= scan.end; ) {
			const symbol = reader.decode(ac);
			const size = symbol & 15;
			const run = symbol >> 4;
			if (size === 0) {
				if (run < 15) {
					// A run of empty bands: this block and (2^run - 1 + extra bits) more.
					this.eobRun = (1 << run) - 1 + reader.bits(run);
					return;
				}
				k += 16;
				continue;
			}
			k += run;
			if (k > 63) return;
			component.coefficients[offset + ZIGZAG[k]] = reader.receiveExtend(size) * (1 << scan.low);
			k++;
		}
	}

	/** Successive approximation of AC bands (G.1.2.3): one more bit of each coefficient. */
	private acRefine(component: Component, offset: number, reader: BitReader, scan: Scan): void {
		const out = component.coefficients;
		const plus = 1 << scan.low;
		const minus = -1 << scan.low;
		const refine = (z: number) => {
			if (reader.bit() && (out[z] & plus) === 0) out[z] += out[z] >= 0 ? plus : minus;
		};
		let k = scan.start;
		if (this.eobRun === 0) {
			const ac = this.tables(component).ac;
			for (; k <= scan.end; k++) {
				const symbol = reader.decode(ac);
				const size = symbol & 15;
				let run = symbol >> 4;
				let value = 0;
				if (size) value = reader.bit() ? plus : minus;
				else if (run !== 15) {
					this.eobRun = (1 << run) + reader.bits(run);
					break;
				}
				// Past `run` coefficients still zero (refining the non-zero ones on the way).
				for (; k <= scan.end; k++) {
					const z = offset + ZIGZAG[k];
					if (out[z] !== 0) refine(z);
					else if (run === 0) break;
					else run--;
				}
				if (value && k <= scan.end) out[offset + ZIGZAG[k]] = value;
			}
		}
		if (this.eobRun > 0) {
			for (; k <= scan.end; k++) {
				const z = offset + ZIGZAG[k];
				if (out[z] !== 0) refine(z);
			}
			this.eobRun--;
		}
	}
}
