// Every secret the apps read, as Key Vault secrets that their Container Apps secrets reference through the
// identity: contentdb and redis (written by postgres.bicep and redis.bicep), jwt-key and, when given, ai.
param location string
param tags object
param name string
param readerPrincipalId string

@secure()
param jwtKey string

@secure()
param aiConnectionString string

var secretsUserRoleId = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4633458b-17de-408a-b874-0445c86b69e6')

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    // Short soft-delete and no purge protection, so that `azd down --purge` frees the name at once.
    softDeleteRetentionInDays: 7
  }
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, readerPrincipalId, secretsUserRoleId)
  scope: vault
  properties: {
    principalId: readerPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: secretsUserRoleId
  }
}

resource jwtKeySecret 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = {
  parent: vault
  name: 'jwt-key'
  properties: { value: jwtKey }
}

resource aiSecret 'Microsoft.KeyVault/vaults/secrets@2024-11-01' = if (!empty(aiConnectionString)) {
  parent: vault
  name: 'ai'
  properties: { value: aiConnectionString }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
