import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { VlmRunChat } from '../../../nodes/VlmRun/VlmRunChat.node';
import type { Emulator } from '../../emulator';
import { runNode, type RunOptions } from '../harness';
import { useEmulator, vlmNode } from '../vlmrun';

export const CHAT_PATH = '/openai/chat/completions';

/** What a Chat Trigger emits for one message of its hosted chat. */
export function chatTriggerItem(
	chatInput: string,
	sessionId: string,
	extra: Partial<INodeExecutionData> = {},
) {
	return { json: { sessionId, action: 'sendMessage', chatInput }, ...extra };
}

export function chatNode(parameters: IDataObject, extra = {}) {
	return vlmNode(
		'vlmRunChat',
		{ resource: 'chat', operation: 'message', ...parameters },
		{ name: 'VLM Run Chat', ...extra },
	);
}

/** The emulator plus a runner for one VLM Run Chat node. */
export function useChat() {
	const env = useEmulator();
	const run = async (
		parameters: IDataObject,
		inputItems: INodeExecutionData[] = [{ json: {} }],
		options: Partial<RunOptions> & { node?: IDataObject } = {},
	) => {
		const { node = {}, ...rest } = options;
		return await runNode(chatNode(parameters, node), {
			nodeTypes: [VlmRunChat],
			inputItems,
			credentials: env.credentials(),
			...rest,
		});
	};
	return {
		env,
		run,
		get emulator(): Emulator {
			return env.emulator;
		},
		/** Bodies of the chat completion requests the emulator received, in order. */
		chatBodies: () =>
			env.emulator
				.requests({ method: 'POST', path: CHAT_PATH })
				.map((request) => request.body as IDataObject),
	};
}
