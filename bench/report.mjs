// Turns benchmark results into a Markdown report and an SVG chart.

const fmt = (value, digits = 1) =>
	value === undefined || value === null || Number.isNaN(value)
		? 'n/a'
		: Number(value).toFixed(digits);
const mib = (bytes) => bytes / (1024 * 1024);

function verdict(met) {
	if (met === undefined) return 'not measured';
	return met ? 'met' : 'missed';
}

/**
 * Whether the cost per item stays flat as the number of items grows: the node's wall time per item,
 * relative to its floor, and its CPU per item may not rise by more than 25 % and 50 % respectively
 * between the cheapest point and the largest run. (Small runs cost more per item, not less: they
 * carry the fixed cost of a node run, about 50 ms, over few items.)
 */
export function scalingVerdict(scaling) {
	const last = scaling.runs.at(-1);
	const ratios = scaling.runs.map((run) => run.ratioToFloor);
	const cpu = scaling.runs.map((run) => run.cpuMsPerItem);
	const wallGrowth = last.ratioToFloor / Math.min(...ratios);
	const cpuGrowth = last.cpuMsPerItem / Math.min(...cpu);
	return {
		flat: wallGrowth <= 1.25 && cpuGrowth <= 1.5,
		note: `Flat means here: from the cheapest point to the largest run (${last.items} items), wall time per item relative to its floor grows by at most 25 % (measured ${((wallGrowth - 1) * 100).toFixed(0)} %) and CPU per item by at most 50 % (measured ${((cpuGrowth - 1) * 100).toFixed(0)} %). CPU per item is what the n8n main process spent while the Extract node ran, divided by the items. The smallest runs cost more per item because a node run has a fixed cost (about ${Math.max(0, cpu[0] * scaling.runs[0].items - Math.min(...cpu) * scaling.runs[0].items).toFixed(0)} ms CPU here) spread over few items.`,
	};
}

/** The one-line-per-target summary plus a table per measurement. */
export function markdown(results) {
	const lines = [];
	const { throughput, overhead, memory, polling, scaling, meta } = results;
	lines.push(
		`Measured ${meta.date} on ${meta.machine}; n8n ${meta.n8n}, Node ${meta.node}, VLM Run emulator on loopback.${meta.quick ? ' **Quick run (reduced sizes): not the reference figures.**' : ''}`,
	);
	lines.push('');
	lines.push('| Measure | Target | Result | |');
	lines.push('| --- | --- | --- | --- |');
	if (throughput) {
		const c10 = throughput.runs.find((run) => run.concurrency === 10);
		lines.push(
			`| Throughput, ${throughput.items} items, 1 s jobs, c = 10 | ≤ 1.25 × floor | ${fmt(c10?.ratio, 2)} × floor (${fmt(c10?.wallS, 1)} s for a ${fmt(c10?.floorS, 0)} s floor) | ${verdict(c10 && c10.ratio <= 1.25)} |`,
		);
	}
	if (overhead) {
		lines.push(
			`| Overhead, ${overhead.items} items, no latency | ≤ 3 ms CPU per item | ${fmt(overhead.cpuMsPerItem, 2)} ms per item | ${verdict(overhead.cpuMsPerItem <= 3)} |`,
		);
	}
	if (memory) {
		lines.push(
			`| Memory, ${fmt(mib(memory.fileBytes), 0)} MiB video | ≤ 100 MiB peak RSS growth | ${fmt(mib(memory.growthBytes), 0)} MiB | ${verdict(mib(memory.growthBytes) <= 100)} |`,
		);
	}
	if (polling) {
		const longest = polling.waitForResult.at(-1);
		lines.push(
			`| Polling, ${fmt(longest?.jobSeconds, 0)} s job, Wait for Result | ≤ 6 status requests | ${longest?.statusRequests ?? 'n/a'} | ${verdict(longest && longest.statusRequests <= 6)} |`,
		);
		const callback = polling.waitForCallback;
		lines.push(
			`| Polling, ${callback ? `${fmt(callback.jobSeconds, 0)} s job, ` : ''}Wait for Callback | 0 status requests | ${callback ? callback.statusRequests : 'n/a'} | ${verdict(callback ? callback.statusRequests === 0 : undefined)} |`,
		);
	}
	if (scaling) {
		lines.push(
			`| Scaling, ${scaling.runs[0]?.items} → ${scaling.runs.at(-1)?.items} items, c = 10 | flat cost per item | wall ${scaling.runs.map((run) => fmt(run.wallMsPerItem, 0)).join(' / ')} ms, CPU ${scaling.runs.map((run) => fmt(run.cpuMsPerItem, 1)).join(' / ')} ms per item | ${verdict(scalingVerdict(scaling).flat)} |`,
		);
	}

	if (throughput) {
		lines.push(
			'',
			`**Throughput**: ${throughput.items} single-image items through Extract; every job takes ${throughput.jobSeconds} s on the emulator. Wall time is the Extract node's execution time in the run.`,
			'',
		);
		lines.push(
			'| Max Concurrent Requests | Wall time (s) | Items/s | Floor ⌈items/c⌉ × 1 s (s) | Ratio to floor | Status requests per item |',
		);
		lines.push('| ---: | ---: | ---: | ---: | ---: | ---: |');
		for (const run of throughput.runs) {
			lines.push(
				`| ${run.concurrency} | ${fmt(run.wallS, 1)} | ${fmt(run.itemsPerSecond, 2)} | ${fmt(run.floorS, 0)} | ${fmt(run.ratio, 3)} | ${fmt(run.pollsPerItem, 2)} |`,
			);
		}
	}
	if (overhead) {
		lines.push(
			'',
			`**Overhead**: ${overhead.items} single-image items, no simulated latency (each job is done at the first status request, 1 s after it was submitted), Max Concurrent Requests ${overhead.concurrency}, webhook-started runs of a running n8n (the CPU of its process group: main process and task runner). Baseline: the same workflow without the Extract node. Median of ${overhead.repeats} runs each.`,
			'',
		);
		lines.push('| Workflow | CPU (ms), median | CPU per item (ms) |');
		lines.push('| --- | ---: | ---: |');
		lines.push(
			`| Webhook → Read Files | ${fmt(overhead.baselineCpuMs, 0)} | ${fmt(overhead.baselineCpuMs / overhead.items, 2)} |`,
		);
		lines.push(
			`| Webhook → Read Files → Extract | ${fmt(overhead.withNodeCpuMs, 0)} | ${fmt(overhead.withNodeCpuMs / overhead.items, 2)} |`,
		);
		lines.push(
			`| Difference (our node) | ${fmt(overhead.withNodeCpuMs - overhead.baselineCpuMs, 0)} | **${fmt(overhead.cpuMsPerItem, 2)}** |`,
		);
		if (overhead.nodeWindowCpuMsPerItem !== undefined) {
			lines.push(
				'',
				`Cross-check: the n8n main process spent ${fmt(overhead.nodeWindowCpuMsPerItem, 2)} ms CPU per item while the Extract node ran (CPU read from /proc every 20 ms, between the node's start and end in the execution data).`,
			);
		}
	}
	if (memory) {
		lines.push(
			'',
			`**Memory**: a ${fmt(mib(memory.fileBytes), 0)} MiB MP4 read from disk by Read/Write Files (filesystem binary mode) and sent through Extract (presigned upload, streamed); one \`n8n execute\` each, peak RSS (VmHWM) of the n8n process.`,
			'',
		);
		lines.push('| Workflow | Peak RSS (MiB) | Run time (s) |');
		lines.push('| --- | ---: | ---: |');
		lines.push(
			`| Manual → Read Files (baseline) | ${fmt(mib(memory.baselinePeakBytes), 0)} | ${fmt(memory.baselineSeconds, 1)} |`,
		);
		lines.push(
			`| Manual → Read Files → Extract | ${fmt(mib(memory.uploadPeakBytes), 0)} | ${fmt(memory.uploadSeconds, 1)} |`,
		);
		lines.push(`| Growth | **${fmt(mib(memory.growthBytes), 0)}** | |`);
	}
	if (polling) {
		lines.push(
			'',
			`**Polling**: one job each, all started together in a running n8n. Status requests counted in the emulator's request log. Schedule: first after 1 s, then ×2.5, at most 60 s apart (requests at 1, 3.5, 9.75, 25.4, 64.4, 124.4 s).`,
			'',
		);
		lines.push('| Completion | Job length (s) | Status requests | Node time (s) |');
		lines.push('| --- | ---: | ---: | ---: |');
		for (const run of polling.waitForResult)
			lines.push(
				`| Wait for Result | ${fmt(run.jobSeconds, 0)} | ${run.statusRequests} | ${fmt(run.nodeSeconds, 1)} |`,
			);
		const callback = polling.waitForCallback;
		if (callback) {
			lines.push(
				`| Wait for Callback | ${fmt(callback.jobSeconds, 0)} | ${callback.statusRequests} | ${fmt(callback.nodeSeconds, 1)} (until resumed) |`,
			);
		} else {
			lines.push('| Wait for Callback | | not measured | |');
		}
		if (callback?.note) lines.push('', callback.note);
	}
	if (scaling) {
		lines.push(
			'',
			`**Scaling**: N single-image items at Max Concurrent Requests 10, no simulated latency, webhook-started runs of a running n8n. CPU: the n8n main process while the Extract node ran.`,
			'',
		);
		lines.push(
			'| Items | Node wall time (s) | Wall per item (ms) | Floor per item (ms) | CPU per item (ms) |',
		);
		lines.push('| ---: | ---: | ---: | ---: | ---: |');
		for (const run of scaling.runs) {
			lines.push(
				`| ${run.items} | ${fmt(run.wallS, 1)} | ${fmt(run.wallMsPerItem, 0)} | ${fmt(run.floorMsPerItem, 0)} | ${fmt(run.cpuMsPerItem, 2)} |`,
			);
		}
		lines.push('', scalingVerdict(scaling).note);
	}
	return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// SVG: up to four small panels

const W = 1110;
const PANEL_W = 440;
const PANEL_H = 230;
const esc = (text) =>
	String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function axes(x, y, title, xLabel, yLabel, yMax) {
	const parts = [];
	parts.push(
		`<text x="${x + PANEL_W / 2}" y="${y - 12}" text-anchor="middle" font-size="14" font-weight="bold">${esc(title)}</text>`,
	);
	parts.push(
		`<line x1="${x}" y1="${y + PANEL_H}" x2="${x + PANEL_W}" y2="${y + PANEL_H}" stroke="#444"/>`,
	);
	parts.push(`<line x1="${x}" y1="${y}" x2="${x}" y2="${y + PANEL_H}" stroke="#444"/>`);
	for (let i = 0; i <= 5; i++) {
		const value = (yMax * i) / 5;
		const py = y + PANEL_H - (PANEL_H * i) / 5;
		parts.push(`<line x1="${x}" y1="${py}" x2="${x + PANEL_W}" y2="${py}" stroke="#ddd"/>`);
		parts.push(
			`<text x="${x - 6}" y="${py + 4}" text-anchor="end" font-size="11">${esc(value >= 10 ? value.toFixed(0) : value.toFixed(1))}</text>`,
		);
	}
	parts.push(
		`<text x="${x + PANEL_W / 2}" y="${y + PANEL_H + 36}" text-anchor="middle" font-size="12">${esc(xLabel)}</text>`,
	);
	parts.push(
		`<text transform="translate(${x - 40},${y + PANEL_H / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(yLabel)}</text>`,
	);
	return parts;
}

function bars(x, y, labels, series, yMax, colors) {
	const parts = [];
	const group = PANEL_W / labels.length;
	const barW = (group * 0.7) / series.length;
	labels.forEach((label, i) => {
		series.forEach((values, s) => {
			const value = values[i] ?? 0;
			const h = Math.max(0, (PANEL_H * value) / yMax);
			const bx = x + i * group + group * 0.15 + s * barW;
			parts.push(
				`<rect x="${bx}" y="${y + PANEL_H - h}" width="${barW - 2}" height="${h}" fill="${colors[s]}"/>`,
			);
			parts.push(
				`<text x="${bx + barW / 2 - 1}" y="${y + PANEL_H - h - 4}" text-anchor="middle" font-size="10">${esc(Number.isInteger(value) ? value : value.toFixed(1))}</text>`,
			);
		});
		parts.push(
			`<text x="${x + i * group + group / 2}" y="${y + PANEL_H + 16}" text-anchor="middle" font-size="11">${esc(label)}</text>`,
		);
	});
	return parts;
}

function legend(x, y, entries) {
	return entries.map(
		([color, text], i) =>
			`<rect x="${x}" y="${y + i * 16}" width="10" height="10" fill="${color}"/><text x="${x + 14}" y="${y + i * 16 + 9}" font-size="11">${esc(text)}</text>`,
	);
}

/** A maximum for an axis of five steps of a round size, at or above `value`. */
const niceMax = (value) => {
	if (!(value > 0)) return 5;
	const raw = value / 5;
	const power = 10 ** Math.floor(Math.log10(raw));
	for (const step of [1, 2, 2.5, 5, 10]) if (raw <= step * power) return step * power * 5;
	return 50 * power;
};

export function svg(results) {
	const panels = [];
	const { throughput, memory, polling, scaling, overhead } = results;
	if (throughput) {
		const labels = throughput.runs.map((run) => `c = ${run.concurrency}`);
		const measured = throughput.runs.map((run) => run.wallS);
		const floor = throughput.runs.map((run) => run.floorS);
		const yMax = niceMax(Math.max(...measured, ...floor));
		panels.push((x, y) => [
			...axes(
				x,
				y,
				`Throughput: ${throughput.items} items, 1 s jobs`,
				'Max Concurrent Requests',
				'wall time (s)',
				yMax,
			),
			...bars(x, y, labels, [measured, floor], yMax, ['#2b6cb0', '#a0aec0']),
			...legend(x + PANEL_W - 150, y + 4, [
				['#2b6cb0', 'measured'],
				['#a0aec0', 'floor ⌈N/c⌉ × 1 s'],
			]),
		]);
	}
	if (scaling) {
		const labels = scaling.runs.map((run) => String(run.items));
		const wall = scaling.runs.map((run) => run.wallMsPerItem);
		const yMax = niceMax(Math.max(...wall, ...scaling.runs.map((run) => run.floorMsPerItem)));
		const cpu = scaling.runs.map((run) => run.cpuMsPerItem);
		const cpuMax = niceMax(Math.max(...cpu, 3));
		panels.push((x, y) => [
			...axes(x, y, 'Scaling at c = 10: cost per item', 'items', 'wall ms per item (bars)', yMax),
			...bars(x, y, labels, [wall], yMax, ['#2f855a']),
			// CPU per item as a line on its own scale (right).
			`<polyline fill="none" stroke="#c05621" stroke-width="2" points="${cpu
				.map(
					(value, i) =>
						`${x + (i + 0.5) * (PANEL_W / labels.length)},${y + PANEL_H - (PANEL_H * value) / cpuMax}`,
				)
				.join(' ')}"/>`,
			...cpu.map(
				(value, i) =>
					`<circle cx="${x + (i + 0.5) * (PANEL_W / labels.length)}" cy="${y + PANEL_H - (PANEL_H * value) / cpuMax}" r="3" fill="#c05621"/>`,
			),
			...[0, 0.5, 1].map(
				(share) =>
					`<text x="${x + PANEL_W + 6}" y="${y + PANEL_H - PANEL_H * share + 4}" font-size="11" fill="#c05621">${esc(`${cpuMax * share} ms`)}</text>`,
			),
			...legend(x + PANEL_W - 170, y + 4, [
				['#2f855a', 'wall ms per item'],
				['#c05621', 'CPU ms per item (right scale)'],
			]),
		]);
	}
	if (polling) {
		const runs = [
			...polling.waitForResult.map((run) => [`${run.jobSeconds} s`, run.statusRequests]),
		];
		if (polling.waitForCallback)
			runs.push([
				`${polling.waitForCallback.jobSeconds} s (callback)`,
				polling.waitForCallback.statusRequests,
			]);
		panels.push((x, y) => [
			...axes(
				x,
				y,
				'Status requests per job',
				'job length, completion mode',
				'status requests',
				10,
			),
			`<line x1="${x}" y1="${y + PANEL_H - (PANEL_H * 6) / 10}" x2="${x + PANEL_W}" y2="${y + PANEL_H - (PANEL_H * 6) / 10}" stroke="#e53e3e" stroke-dasharray="4 3"/>`,
			`<text x="${x + PANEL_W - 4}" y="${y + PANEL_H - (PANEL_H * 6) / 10 - 4}" text-anchor="end" font-size="10" fill="#e53e3e">target ≤ 6 at 120 s</text>`,
			...bars(
				x,
				y,
				runs.map(([label]) => label),
				[runs.map(([, value]) => value)],
				10,
				['#6b46c1'],
			),
		]);
	}
	if (memory || overhead) {
		const labels = [];
		const values = [];
		if (memory) {
			labels.push('baseline', 'with Extract', 'growth');
			values.push(
				...[memory.baselinePeakBytes, memory.uploadPeakBytes, memory.growthBytes].map((bytes) =>
					Math.round(mib(bytes)),
				),
			);
		}
		const yMax = niceMax(Math.max(...values, 100));
		panels.push((x, y) => [
			...axes(
				x,
				y,
				memory
					? `Memory: ${fmt(mib(memory.fileBytes), 0)} MiB video, peak RSS`
					: 'Memory: not measured',
				overhead ? `overhead: ${fmt(overhead.cpuMsPerItem, 2)} ms CPU per item (target ≤ 3)` : '',
				'MiB',
				yMax,
			),
			...bars(x, y, labels, [values], yMax, ['#b7791f']),
			`<line x1="${x}" y1="${y + PANEL_H - (PANEL_H * 100) / yMax}" x2="${x + PANEL_W}" y2="${y + PANEL_H - (PANEL_H * 100) / yMax}" stroke="#e53e3e" stroke-dasharray="4 3"/>`,
			`<text x="${x + PANEL_W - 4}" y="${y + PANEL_H - (PANEL_H * 100) / yMax - 4}" text-anchor="end" font-size="10" fill="#e53e3e">100 MiB growth target</text>`,
		]);
	}
	const rows = Math.ceil(panels.length / 2);
	const height = rows * (PANEL_H + 110) + 30;
	const body = panels.flatMap((draw, i) =>
		draw(70 + (i % 2) * (PANEL_W + 90), 50 + Math.floor(i / 2) * (PANEL_H + 110)),
	);
	return [
		`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="Helvetica, Arial, sans-serif">`,
		`<rect width="100%" height="100%" fill="#fff"/>`,
		...body,
		`<text x="10" y="${height - 8}" font-size="10" fill="#666">${esc(`n8n-nodes-vlmrun benchmark, ${results.meta.date}${results.meta.quick ? ' (quick run)' : ''}`)}</text>`,
		'</svg>',
		'',
	].join('\n');
}
