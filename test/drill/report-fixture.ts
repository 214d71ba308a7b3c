/** Two fixed drills for the report tests: a leader kill with its start and log lines, and a follower stop closed by hand. */
import type {Drill} from '../../source/drill/types.ts';
import {G, Script} from './support.ts';

export function fixedDrills(): Drill[] {
	const a = new Script('RaftNode00/n0', 'kill');
	a.container(40, 'RaftNode00/n0', 'exited');
	a.snap(100, w => w.down(G, 'n0').drop(G, 'n0', '10.0.0.1:9876'));
	a.snap(350, w => w.drop(G, 'n0'));
	a.snap(5100, w => w.follow(G, 'n1', null).follow(G, 'n2', null));
	a.snap(5350, w => w.follow(G, 'n1', 'n1').follow(G, 'n2', 'n1'));
	a.apply({type: 'log', host: 'h1', container: 'rocketmq-raftnode00-n1', line: '2026-11-25 11:37:05 INFO StateMaintainer - [n1][HeartBeatTimeOut] lastLeaderHeartBeatTime: 2026-11-25 11:36:59.960 heartBeatTimeIntervalMs: 2000 lastLeader=n0'});
	a.apply({type: 'log', host: 'h1', container: 'rocketmq-raftnode00-n1', line: '2026-11-25 11:37:05 INFO StateMaintainer - [n1] [VOTE_RESULT] has been elected to be the leader in term 1'});
	a.apply({type: 'log', host: 'h1', container: 'rocketmq-raftnode00-n1', line: '2026-11-25 11:37:09 INFO DLegerRoleChangeHandler_1 - Begin to change to master brokerName=RaftNode00'});
	a.snap(5600, w => w.register(G, 'n1', 0));
	a.send(20_000, 'RaftNode00/n0', 'start');
	a.container(20_100, 'RaftNode00/n0', 'running');
	// as on 4.7.1: registered as follower ~1 s after launch, DLedger names its leader a few seconds later
	a.snap(21_000, w => w.follow(G, 'n0', null).register(G, 'n0', 1));
	a.snap(23_000, w => w.follow(G, 'n0', 'n1'));
	a.apply({type: 'log', host: 'h0', container: 'rocketmq-raftnode00-n0', line: '2026-11-25 11:37:21 INFO DLegerRoleChangeHandler_1 - Begin to change to slave brokerName=RaftNode00 brokerId=1'});

	const b = new Script('RaftNode01/n2', 'stop');
	b.container(700, 'RaftNode01/n2', 'exited');
	b.snap(750, w => w.down('RaftNode01', 'n2').drop('RaftNode01', 'n2'));
	b.snap(1000);
	b.apply({type: 'close', at: b.d.sentAt + 60_000});
	return [a.d, b.d];
}
