/**
 * Whether `host` names this machine's loopback interface only: `localhost`, 127.0.0.0/8 or
 * ::1 (brackets allowed). A wildcard (`0.0.0.0`, `::`, `""`) or any other address is not: a
 * listener there is reachable from other machines. Used to decide when a listener needs a
 * token (the dashboard) or a warning (replicas, the Toxiproxy API and its proxies).
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1') return true;
  const v4 = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  return v4 !== null && v4.slice(1).every((octet) => Number(octet) <= 255);
}
