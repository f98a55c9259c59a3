/**
 * Writing to an output sink from a body-reading loop, shared by direct infer's decoders and the
 * hosted downloads: a sink that refuses bytes (n8n could not store the file) ends the read with
 * its own error, which says what happened.
 */
import type { OutputSink } from '../../helpers/interfaces';

/** The sink's error if it refused the bytes. */
export function sinkRefusal(sink: OutputSink, bytes: Buffer): unknown {
	try {
		sink.write(bytes);
		return undefined;
	} catch (err) {
		return err ?? new Error('the output sink failed');
	}
}
