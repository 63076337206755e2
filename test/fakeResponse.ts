/**
 * The part of the Express response n8n hands a webhook that our nodes use: `status(code).json(body)`.
 * `answer` records what the node answered with.
 */
export function fakeResponse<Body = unknown>() {
	const answer: { status?: number; body?: Body } = {};
	const response = {
		status(code: number) {
			answer.status = code;
			return response;
		},
		json(body: Body) {
			answer.body = body;
			return response;
		},
	};
	return { response, answer };
}
