/**
 * The channels open on one SSH connection, so they can be closed for real when the connection goes: ssh2 ends its
 * channels then, but a paused one (an idle keep-alive socket of an http.Agent, a command nobody reads) never emits
 * 'end' and so never 'close' — its user would keep writing into a dead connection or wait forever.
 */
import {Duplex} from 'node:stream';
import type {ClientChannel} from 'ssh2';

export class ChannelTracker {
	private readonly open = new Set<ClientChannel>();

	add(channel: ClientChannel): void {
		this.open.add(channel);
		channel.once('close', () => this.open.delete(channel));
	}

	get size(): number {
		return this.open.size;
	}

	/** The connection is gone: every channel not closed yet is destroyed and emits 'close' (on the next turn). */
	dropAll(): void {
		const channels = [...this.open];
		this.open.clear();
		setImmediate(() => {
			for (const channel of channels) {
				// ssh2 channels are created with emitClose false: destroy() marks them, 'close' is emitted here
				if (!(channel as Duplex).destroyed) Duplex.prototype.destroy.call(channel);
				channel.emit('close');
			}
		});
	}
}
