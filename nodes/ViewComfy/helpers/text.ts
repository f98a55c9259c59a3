/**
 * The one way a long text is shortened for a message: at most `max` characters, the last of
 * them an ellipsis when something was cut. Cuts between characters, never inside a surrogate pair
 * (an emoji in a prompt or a file name stays whole).
 */
export function truncate(text: string, max: number): string {
	if (text.length <= max) return text;
	const chars = Array.from(text);
	return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}
