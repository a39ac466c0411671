/**
 * The topology as written in YAML, after it passed the JSON Schema: the shapes
 * topology.schema.json allows, nothing resolved yet.
 */

export interface RawReplica {
  id: string;
  host?: string;
  port?: number;
}

export interface RawRegion {
  name: string;
  replicas: number | (string | RawReplica)[];
  clients?: number;
  host?: string;
}

export interface RawLink {
  between?: [string, string];
  within?: string;
  from?: string;
  to?: string;
  rtt?: string;
  delay?: string;
  jitter?: string;
  distribution?: string;
}

export interface RawLatency {
  preset?: string;
  defaultRtt?: string;
  intraRegionRtt?: string;
  jitter?: string;
  distribution?: string;
  links?: RawLink[];
}

/** Every replication option of every mode; the schema lets each mode have only its own. */
export interface RawReplication {
  mode: string;
  [option: string]: unknown;
}

export interface RawEndpoint {
  host?: string;
  port?: number;
  enabled?: boolean;
}

export interface RawTopology {
  name?: string;
  description?: string;
  regions: RawRegion[];
  latency?: RawLatency;
  replication: RawReplication;
  clients?: { perRegion?: number; timeout?: string };
  workload?: {
    keys?: number;
    keyDistribution?: string;
    zipfExponent?: number;
    hotKeyFraction?: number;
    rate?: number;
    concurrency?: number;
    duration?: string;
    mix?: Record<string, number>;
    levels?: Record<string, string>;
  };
  network?: { host?: string; basePort?: number };
  toxiproxy?: { url?: string; host?: string; port?: number; listenHost?: string };
  dashboard?: RawEndpoint;
  metrics?: RawEndpoint;
}
