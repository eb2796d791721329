// What api.bicep and worker.bicep share: the Container Apps secrets (Key Vault references read with the
// identity) and the environment variables that hand them to the app, named as the AppHost names them locally.

@export()
@description('Container Apps secrets referencing Key Vault; the ai secret only when a model connection string was given.')
func secrets(keyVaultUri string, identityId string, aiConfigured bool) array => map(
  concat(['contentdb', 'redis', 'redis-password', 'jwt-key'], aiConfigured ? ['ai'] : []),
  secretName => {
    name: secretName
    keyVaultUrl: '${keyVaultUri}secrets/${secretName}'
    identity: identityId
  })

@export()
@description('Connection strings and settings of a service, as Aspire\'s AppHost passes them (ConnectionStrings__<name>).')
func environment(serviceName string, aiConfigured bool) array => concat(
  [
    { name: 'ConnectionStrings__contentdb', secretRef: 'contentdb' }
    { name: 'ConnectionStrings__redis', secretRef: 'redis' }
    { name: 'OTEL_SERVICE_NAME', value: serviceName }
    // ServiceDefaults' production default, stated here so the deployed ratio is visible and can be changed.
    { name: 'Telemetry__TraceSamplingRatio', value: '0.1' }
  ],
  aiConfigured ? [{ name: 'ConnectionStrings__ai', secretRef: 'ai' }] : [])

@export()
@description('Liveness on /alive, readiness on /health (ServiceDefaults maps both), and a startup allowance for migrations.')
func probes(port int) array => [
  {
    type: 'Startup'
    httpGet: { path: '/alive', port: port }
    periodSeconds: 2
    failureThreshold: 60
  }
  {
    type: 'Liveness'
    httpGet: { path: '/alive', port: port }
    periodSeconds: 10
    failureThreshold: 3
  }
  {
    type: 'Readiness'
    httpGet: { path: '/health', port: port }
    periodSeconds: 5
    failureThreshold: 3
  }
]
