/**
 * Where the simulated cards find pcscd's vpcd driver.
 *
 * Debian's vsmartcard-vpcd configures one driver instance listening on TCP 35963 (0x8C7B,
 * /etc/reader.conf.d/vpcd) with two slots: "Virtual PCD 00 00" on 35963 and "Virtual PCD 00 01"
 * on 35964.
 *
 * The host is a dedicated loopback address rather than 127.0.0.1: vpcd writes a frame's length
 * and payload in two send() calls without TCP_NODELAY, so Nagle's algorithm holds the payload
 * until our delayed ACK (40 ms on Linux). The bootstrap gives this one address a `quickack`
 * route (`ip route replace local 127.35.96.3/32 dev lo table local quickack 1`), which brings a
 * round trip from ~44 ms to ~0.4 ms without touching any other loopback traffic. Every 127/8
 * address is local on Linux, so without the route it still works, only slower.
 */
export const VPCD_DEFAULT_PORT = 35963;
export const VPCD_DEFAULT_HOST = '127.35.96.3';
export const VPCD_SLOTS_PER_DRIVER = 2;
