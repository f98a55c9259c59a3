/**
 * The emulator's current behaviour: defaults, validation of behaviour JSON from the control API,
 * and the counters that make "fail N times, then succeed" faults work.
 */
import type { EmulatorBehaviour, FaultTimes } from './types';

export const DEFAULT_BEHAVIOUR: Readonly<EmulatorBehaviour> = Object.freeze({
	latencyMs: 0,
	coldStart503: 0,
	coldStartStatus: 503,
	coldStartDelayMs: 0,
	rateLimit429: 0,
	retryAfterSeconds: 1,
	error500: 0,
	resetBeforeAnswer: 0,
	resetAfterHeaders: 0,
	cutStreamBeforeResult: false,
	errorEvent: null,
	echoSecret: false,
	malformedJson: false,
	nonJsonBody: false,
	resultStatus: 'success',
	redirect303AfterMs: null,
	redirectChain: 1,
	redirectToOrigin: null,
	redirectToOriginStatus: 307,
	dripBytesPerSecond: null,
	outputBytes: null,
	hostedRunMs: 400,
	hostedStatus5xx: 0,
	hostedLinkTtlSeconds: 3600,
	hostedLinkOrigin: null,
	socketAuthRefused: 0,
	socketDropMidRun: 0,
	socketResultNeverSent: 0,
});

/** A behaviour field that fires a limited number of times. */
export type CountedFault =
	| 'coldStart503'
	| 'rateLimit429'
	| 'error500'
	| 'resetBeforeAnswer'
	| 'resetAfterHeaders'
	| 'hostedStatus5xx'
	| 'socketAuthRefused'
	| 'socketDropMidRun'
	| 'socketResultNeverSent';

/** Thrown for behaviour JSON that names an unknown field or gives a field a wrong value. */
export class BehaviourError extends Error {}

/** Returns what is wrong with a value, or null when it is acceptable. */
type Rule = (value: unknown) => string | null;

const isWholeNumber = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const nonNegative: Rule = (v) => (isWholeNumber(v) ? null : 'must be a whole number >= 0');
const nullable =
	(rule: Rule): Rule =>
	(v) =>
		v === null ? null : rule(v);
const times: Rule = (v) => (v === 'always' || isWholeNumber(v) ? null : 'must be a whole number >= 0 or "always"');
const flag: Rule = (v) => (typeof v === 'boolean' ? null : 'must be true or false');
const oneOf =
	(...allowed: unknown[]): Rule =>
	(v) =>
		allowed.includes(v) ? null : `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`;
const positive: Rule = (v) => (isWholeNumber(v) && v > 0 ? null : 'must be a whole number > 0');
const origin: Rule = (v) => {
	if (typeof v !== 'string') return 'must be an origin such as "http://127.0.0.1:8789"';
	try {
		const u = new URL(v);
		return (u.protocol === 'http:' || u.protocol === 'https:') && (u.pathname === '/' || u.pathname === '')
			? null
			: 'must be an origin (scheme, host and port, no path) such as "http://127.0.0.1:8789"';
	} catch {
		return 'must be an origin such as "http://127.0.0.1:8789"';
	}
};

const RULES: { [K in keyof EmulatorBehaviour]: Rule } = {
	latencyMs: nonNegative,
	coldStart503: times,
	coldStartStatus: oneOf(502, 503, 504),
	coldStartDelayMs: nonNegative,
	rateLimit429: times,
	retryAfterSeconds: nullable(nonNegative),
	error500: times,
	resetBeforeAnswer: times,
	resetAfterHeaders: times,
	cutStreamBeforeResult: flag,
	errorEvent: oneOf('thenResult', 'thenEnd', null),
	echoSecret: flag,
	malformedJson: flag,
	nonJsonBody: flag,
	resultStatus: oneOf('success', 'completed-false', 'status-error'),
	redirect303AfterMs: nullable(nonNegative),
	redirectChain: positive,
	redirectToOrigin: nullable(origin),
	redirectToOriginStatus: oneOf(301, 302, 303, 307, 308),
	dripBytesPerSecond: nullable(positive),
	outputBytes: nullable(nonNegative),
	hostedRunMs: nonNegative,
	hostedStatus5xx: times,
	hostedLinkTtlSeconds: nonNegative,
	hostedLinkOrigin: nullable(origin),
	socketAuthRefused: times,
	socketDropMidRun: times,
	socketResultNeverSent: times,
};

/** Checks a behaviour patch (e.g. JSON from the control API) field by field. */
export function parseBehaviour(input: unknown): Partial<EmulatorBehaviour> {
	if (typeof input !== 'object' || input === null || Array.isArray(input)) {
		throw new BehaviourError('The behaviour must be a JSON object such as {"latencyMs": 500}.');
	}
	const patch: Record<string, unknown> = {};
	for (const [field, value] of Object.entries(input)) {
		if (!(field in RULES)) {
			throw new BehaviourError(
				`Unknown behaviour field "${field}". Known fields: ${Object.keys(RULES).join(', ')}.`,
			);
		}
		const problem = RULES[field as keyof EmulatorBehaviour](value);
		if (problem) {
			throw new BehaviourError(`Behaviour field "${field}" ${problem}; got ${JSON.stringify(value)}.`);
		}
		patch[field] = value;
	}
	return patch as Partial<EmulatorBehaviour>;
}

/** The live behaviour plus how often each counted fault has fired since it was set. */
export class BehaviourState {
	private readonly initial: EmulatorBehaviour;
	private active: EmulatorBehaviour;
	private fired = new Map<CountedFault, number>();
	private firstAnswerPending = true;

	constructor(initial: Partial<EmulatorBehaviour> = {}) {
		this.initial = { ...DEFAULT_BEHAVIOUR, ...parseBehaviour(initial) };
		this.active = { ...this.initial };
	}

	get current(): Readonly<EmulatorBehaviour> {
		return this.active;
	}

	set(patch: Partial<EmulatorBehaviour>): void {
		this.active = { ...this.active, ...parseBehaviour(patch) };
		this.restartCounters();
	}

	reset(): void {
		this.active = { ...this.initial };
		this.restartCounters();
	}

	/** True when the fault should hit this request; counts it. */
	take(fault: CountedFault): boolean {
		const budget: FaultTimes = this.active[fault];
		if (budget === 'always') return true;
		const used = this.fired.get(fault) ?? 0;
		if (used >= budget) return false;
		this.fired.set(fault, used + 1);
		return true;
	}

	/** The cold-start delay for the first answer since the behaviour was set, 0 afterwards. */
	takeFirstAnswerDelay(): number {
		if (!this.firstAnswerPending) return 0;
		this.firstAnswerPending = false;
		return this.active.coldStartDelayMs;
	}

	private restartCounters(): void {
		this.fired = new Map();
		this.firstAnswerPending = true;
	}
}
