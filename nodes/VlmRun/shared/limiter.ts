interface Waiter {
	capacity: number;
	start: () => void;
}

/**
 * A first-in, first-out concurrency gate. Each task brings its own capacity, because the
 * Max Concurrent Requests option is read per item: a task starts only while fewer tasks than
 * its own capacity are running.
 */
export class Limiter {
	private active = 0;

	private readonly queue: Waiter[] = [];

	async run<T>(capacity: number, task: () => Promise<T>): Promise<T> {
		await this.acquire(capacity);
		try {
			return await task();
		} finally {
			this.release();
		}
	}

	release(): void {
		this.active--;
		this.drain();
	}

	/** Takes a place, waiting while `capacity` tasks are running; `release` gives it back. */
	async acquire(capacity: number): Promise<void> {
		capacity = Math.max(1, Math.floor(capacity));
		if (this.queue.length === 0 && this.active < capacity) {
			this.active++;
			return;
		}
		await new Promise<void>((resolve) => {
			this.queue.push({ capacity, start: resolve });
		});
	}

	private drain(): void {
		while (this.queue.length > 0 && this.active < this.queue[0].capacity) {
			const next = this.queue.shift() as Waiter;
			this.active++;
			next.start();
		}
	}
}
