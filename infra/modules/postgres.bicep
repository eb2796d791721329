// Azure Database for PostgreSQL Flexible Server with the contentdb database; its connection string goes to
// Key Vault as the secret "contentdb" (what ConnectionStrings:contentdb holds locally).
param location string
param tags object
param name string
param keyVaultName string

@secure()
param administratorPassword string

@description('Smallest burstable size; raise it (e.g. Standard_D2ds_v5, tier GeneralPurpose) for production load.')
param skuName string = 'Standard_B1ms'
param skuTier string = 'Burstable'

var administratorLogin = 'contentplatform'
var databaseName = 'contentdb'

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: skuName
    tier: skuTier
  }
  properties: {
    version: '16'
    administratorLogin: administratorLogin
    administratorLoginPassword: administratorPassword
    authConfig: {
      activeDirectoryAuth: 'Disabled'
      passwordAuth: 'Enabled'
    }
    storage: {
      storageSizeGB: 32
      autoGrow: 'Enabled'
    }
    backup: {
      backupRetentionDays: 7
      geoRedundantBackup: 'Disabled'
    }
    highAvailability: { mode: 'Disabled' }
    network: { publicNetworkAccess: 'Enabled' }
  }
}

// Consumption Container Apps have no fixed outbound addresses: admit Azure services (0.0.0.0 is Azure's
// convention for that), TLS required. A VNet-integrated environment with private access is the stricter setup.
resource allowAzure 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = {
  parent: server
  name: 'AllowAllAzureServicesAndResourcesWithinAzureIps'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = {
  parent: server
  name: databaseName
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
}

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' existing = {
  name: keyVaultName
}

resource connectionString 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = {
  parent: vault
  name: 'contentdb'
  properties: {
    value: 'Host=${server.properties.fullyQualifiedDomainName};Port=5432;Username=${administratorLogin};Password=${administratorPassword};Database=${database.name};Ssl Mode=Require'
  }
}
