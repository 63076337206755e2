export { startEmulator } from './server';
export { DEMO_API_KEY } from './state';
export { signBody } from './webhooks';
export type {
	AdvanceTarget,
	Emulator,
	EmulatorOptions,
	FaultMix,
	FaultSpec,
	JobsCreated,
	RecordedRequest,
	RequestFilter,
	RuntimeConfigPatch,
	WebhookDelivery,
} from './types';
