// Default images. Each chart's appVersion must equal the Takhin tag here (a unit test holds them together).

/**
 * Takhin's release config (goreleaser) publishes `ghcr.io/takhin/takhin:<version>`; upstream has not yet tagged a
 * release, so operators usually build the image themselves and override registry/repository/tag (docs/install.md).
 */
export const TAKHIN_IMAGE = { registry: 'ghcr.io', repository: 'takhin/takhin', tag: '1.0.0' } as const;

/** kcat, a small librdkafka client, used only by the broker chart's produce/consume `helm test` pod. */
export const KAFKA_CLIENT_IMAGE = { registry: 'docker.io', repository: 'edenhill/kcat', tag: '1.7.1' } as const;
