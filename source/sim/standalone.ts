/**
 * ONE simulated RocketMQ 4.7.1 process on its own real ports: a name server, or a broker started from a real
 * broker.conf, as `mqnamesrv` / `mqbroker -c FILE` would run in a container. Separate processes find each other
 * only over TCP: a broker registers with name servers in other processes (REGISTER_BROKER 103, UNREGISTER 104),
 * and DLedger members of a group elect a leader with VOTE (51001) / HEART_BEAT (51002) frames between sim nodes.
 *
 * As unforgiving as 4.7.1 where it is cheap to be:
 * - the conf is read as BrokerStartup reads it (ISO-8859-1, java.util.Properties; MixAll.properties2Object:
 *   unknown keys and unparsable values are ignored silently, `true ` is false, `10911 ` keeps the default);
 * - no brokerIP1 → RemotingUtil.getLocalAddress() (the container's own IP);
 * - an illegal namesrvAddr, a SLAVE with brokerId ≤ 0, a store root it cannot write (checked as uid 3000 when run as
 *   root, since the image runs as uid 3000) → exit −3 (253), as the JVM does;
 * - ports bound as the real ones: listenPort, listenPort − 2 and the DLedger port, all on 0.0.0.0; a port in use →
 *   exit −1 (255).
 *
 * The election reuses the in-process DLedgerMember unchanged: WireDLedgerGroup turns its in-process deliveries to
 * other members into request/response frames (see there).
 */

export {WireCode, WireLink} from './wire-link.ts';
export {WireDLedgerGroup} from './wire-election.ts';
export {EXIT_INIT_FAILED, EXIT_START_FAILED, localAddress, prepareStore, readBrokerConf, ROCKETMQ_GID, ROCKETMQ_UID, StartupError, unwritableAs} from './standalone-conf.ts';
export type {BrokerSettings, ConfContext} from './standalone-conf.ts';
export type {NodeOptions} from './standalone-node.ts';
export {StandaloneNamesrv} from './standalone-namesrv.ts';
export {StandaloneBroker} from './standalone-broker.ts';
