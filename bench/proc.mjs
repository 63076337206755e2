// Reads CPU time and memory of n8n processes from /proc (Linux), for the benchmark.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

const TICKS_PER_SECOND = (() => {
	try {
		return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
	} catch {
		return 100;
	}
})();

function pids() {
	return readdirSync('/proc')
		.filter((name) => /^\d+$/.test(name))
		.map(Number);
}

function read(path) {
	try {
		return readFileSync(path, 'utf8');
	} catch {
		return undefined;
	}
}

/** Fields of /proc/<pid>/stat after the command name: [0] = state (field 3), [2] = pgrp, [11] = utime, [12] = stime. */
function statFields(pid) {
	const stat = read(`/proc/${pid}/stat`);
	if (!stat) return undefined;
	return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** CPU time (user + system) of one process, in ms. */
export function processCpuMs(pid) {
	const fields = statFields(pid);
	if (!fields) return undefined;
	return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

/** CPU time of every live process in a process group (n8n and its task runners), in ms. */
export function groupCpuMs(pgid) {
	let total = 0;
	for (const pid of pids()) {
		const fields = statFields(pid);
		if (fields && Number(fields[2]) === pgid)
			total += ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
	}
	return total;
}

/** VmRSS and VmHWM (peak RSS) of one process, in bytes. */
export function memory(pid) {
	const status = read(`/proc/${pid}/status`);
	if (!status) return undefined;
	const kb = (name) =>
		Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
	return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}

function cmdline(pid) {
	return (read(`/proc/${pid}/cmdline`) ?? '').split('\0').filter(Boolean);
}

/** The n8n process started in `cwd` whose command line contains every word of `args`. */
export function findN8nProcess(cwd, args) {
	for (const pid of pids()) {
		const argv = cmdline(pid);
		if (!argv.some((arg) => arg.endsWith('/n8n'))) continue;
		if (!args.every((word) => argv.includes(word))) continue;
		try {
			if (readlinkSync(`/proc/${pid}/cwd`) === cwd) return pid;
		} catch {
			// gone meanwhile
		}
	}
	return undefined;
}

/**
 * Samples a process's memory every `intervalMs` until stop(): the peak VmHWM seen (the kernel's own
 * high-water mark, so short spikes between samples count too) and the highest sampled VmRSS.
 */
export function sampleMemory(findPid, intervalMs = 50) {
	let pid;
	let peakHwm = 0;
	let peakRss = 0;
	let samples = 0;
	const timer = setInterval(() => {
		pid ??= findPid();
		if (!pid) return;
		const mem = memory(pid);
		// A process that has exited but is not reaped yet has no memory lines any more.
		if (!mem || !Number.isFinite(mem.hwm)) return;
		samples++;
		peakHwm = Math.max(peakHwm, mem.hwm);
		peakRss = Math.max(peakRss, mem.rss);
	}, intervalMs);
	return {
		stop() {
			clearInterval(timer);
			return { pid, peakHwm, peakRss, samples };
		},
	};
}
