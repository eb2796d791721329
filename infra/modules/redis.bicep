// Azure Managed Redis, non-clustered, TLS only. Not the Basic/Standard tiers of Azure Cache for Redis: they
// run Redis 6.0, and the job engine needs XAUTOCLAIM (6.2, taking over a dead Worker's jobs) and the Worker's
// scale rule reads the consumer group's lag (Redis 7). Non-clustered because the engine's Lua scripts touch
// several streams in one call. Its connection string goes to Key Vault as "redis", the access key alone as
// "redis-password" (the KEDA scale rule's credential).
param location string
param tags object
param name string
param keyVaultName string

@description('Smallest size (0.5 GB); Balanced_B1 and up for more memory or throughput.')
param skuName string = 'Balanced_B0'

resource cluster 'Microsoft.Cache/redisEnterprise@2025-07-01' = {
  name: name
  location: location
  tags: tags
  sku: { name: skuName }
  properties: {
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

resource database 'Microsoft.Cache/redisEnterprise/databases@2025-07-01' = {
  parent: cluster
  name: 'default'
  properties: {
    clientProtocol: 'Encrypted'
    port: 10000
    clusteringPolicy: 'NoCluster'
    // A queue must never lose entries to eviction.
    evictionPolicy: 'NoEviction'
    accessKeysAuthentication: 'Enabled'
  }
}

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' existing = {
  name: keyVaultName
}

resource connectionString 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = {
  parent: vault
  name: 'redis'
  properties: {
    value: '${cluster.properties.hostName}:${database.properties.port},password=${database.listKeys().primaryKey},ssl=True,abortConnect=False'
  }
}

resource password 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = {
  parent: vault
  name: 'redis-password'
  properties: {
    value: database.listKeys().primaryKey
  }
}

output hostName string = cluster.properties.hostName
output port int = database.properties.port
