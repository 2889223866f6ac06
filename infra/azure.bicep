// Concordat on Azure: one resource group holds
//   - a user-assigned managed identity: the bot's identity (Bot Framework
//     UserAssignedMSI, no secret) and the app's identity for Storage and Graph;
//   - a Storage account (tables for the data, queues, the host's blobs and the
//     deployment package), reached with that identity only (no shared keys);
//   - a Log Analytics workspace and workspace-based Application Insights;
//   - a Function App on the Flex Consumption plan (Linux, Node 22 LTS);
//   - an Azure Bot registration with the Microsoft Teams channel, whose
//     messaging endpoint is https://<function host>/api/messages.
//
// Deployed by m365agents.yml (arm/deploy) with infra/azure.parameters.json,
// or by hand: az deployment group create -g <rg> -f infra/azure.bicep \
//   -p resourceBaseName=concordat-dev botDisplayName=Concordat-dev
// The outputs are written back to env/.env.<env> by the Agents Toolkit.
//
// Not done here (needs a directory role, see docs/deploy.md): granting the
// identity its Microsoft Graph application permissions.

targetScope = 'resourceGroup'

@minLength(4)
@maxLength(20)
@description('Base of every resource name: letters, digits and hyphens, e.g. concordat-dev.')
param resourceBaseName string

@maxLength(42)
@description('The bot\'s display name in the Azure Bot registration.')
param botDisplayName string

@description('Region of the regional resources. Put the resource group in UK South so the data stays in the UK.')
param location string = resourceGroup().location

@allowed([
  'global'
  'westeurope'
])
@description('Azure Bot location: global, or westeurope for EU data residency of the Bot Service.')
param botServiceLocation string = 'global'

@allowed([
  'F0'
  'S1'
])
@description('Azure Bot pricing tier. The Teams channel is a standard channel: F0 is enough.')
param botServiceSku string = 'F0'

// Node 22 LTS (supported until April 2027; docs/deploy.md says when to move to
// 24). Node 20 reached end of life in April 2026 and is no longer offered here.
@allowed([
  '22'
])
@description('Node.js version of the Functions runtime (Flex Consumption functionAppConfig.runtime).')
param nodeVersion string = '22'

@allowed([
  'Standard_LRS'
  'Standard_ZRS'
])
param storageSku string = 'Standard_ZRS'

@minValue(40)
@maxValue(1000)
@description('Flex Consumption: most instances the app scales out to.')
param maximumInstanceCount int = 40

@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@minValue(0)
@maxValue(5)
@description('Flex Consumption always-ready instances for HTTP functions (0: scale to zero; 1 avoids cold starts on the bot endpoint, at a cost).')
param alwaysReadyHttpInstances int = 0

@minValue(30)
@maxValue(730)
@description('Days that logs and telemetry are kept. Telemetry must not carry personal data whatever this is.')
param logRetentionInDays int = 90

@description('Prefix of the table names the bot uses (TABLE_PREFIX).')
param tablePrefix string = 'concordat'

param tags object = {
  workload: 'concordat'
  dataClassification: 'OFFICIAL-SENSITIVE'
}

var suffix = take(uniqueString(subscription().subscriptionId, resourceGroup().id, resourceBaseName), 6)
var compactBase = toLower(replace(resourceBaseName, '-', ''))
var identityName = 'id-${resourceBaseName}'
var workspaceName = 'log-${resourceBaseName}'
var appInsightsName = 'appi-${resourceBaseName}'
var storageName = take('st${compactBase}${suffix}', 24)
var planName = 'plan-${resourceBaseName}'
var functionAppName = 'func-${resourceBaseName}-${suffix}'
var botServiceName = 'bot-${resourceBaseName}-${suffix}'
var deploymentContainerName = 'app-package'
var alwaysReadyHttp = [
  {
    name: 'http'
    instanceCount: alwaysReadyHttpInstances
  }
]

// Built-in role definition ids.
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: identityName
  location: location
  tags: tags
}

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: workspaceName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: logRetentionInDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  kind: 'web'
  tags: tags
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableIpMasking: false
  }
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageName
  location: location
  kind: 'StorageV2'
  sku: {
    name: storageSku
  }
  tags: tags
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    // Identity only: no account keys, no connection strings with secrets.
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    publicNetworkAccess: 'Enabled'
    // Encryption at rest with Microsoft-managed keys is always on.
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

// The identity reads and writes blobs (Functions host, deployment package),
// queues (host and outbox) and tables (the bot's data), on this account only.
resource blobRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identity.id, roles.storageBlobDataOwner)
  scope: storage
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
  }
}

resource queueRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identity.id, roles.storageQueueDataContributor)
  scope: storage
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageQueueDataContributor)
  }
}

resource tableRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, identity.id, roles.storageTableDataContributor)
  scope: storage
  properties: {
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
  }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  kind: 'functionapp'
  tags: tags
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: functionAppName
  location: location
  kind: 'functionapp,linux'
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
        alwaysReady: alwaysReadyHttpInstances > 0 ? alwaysReadyHttp : []
      }
      runtime: {
        name: 'node'
        version: nodeVersion
      }
    }
  }
  dependsOn: [
    // The host reads its storage with the identity as soon as it starts.
    blobRole
    queueRole
    tableRole
    deploymentContainer
  ]
}

// What the bot reads at start-up (bot/config.ts), and the Functions host's
// identity-based storage. Flex Consumption takes the runtime from
// functionAppConfig: no FUNCTIONS_WORKER_RUNTIME / FUNCTIONS_EXTENSION_VERSION.
resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: functionApp
  name: 'appsettings'
  properties: {
    AzureWebJobsStorage__accountName: storage.name
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identity.properties.clientId
    APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
    CONCORDAT_MODE: 'production'
    MicrosoftAppId: identity.properties.clientId
    MicrosoftAppType: 'UserAssignedMSI'
    MicrosoftAppTenantId: identity.properties.tenantId
    // @azure/identity's ManagedIdentityCredential picks the user-assigned identity by this.
    AZURE_CLIENT_ID: identity.properties.clientId
    STORAGE_ACCOUNT_URL: 'https://${storage.name}.table.${environment().suffixes.storage}'
    TABLE_PREFIX: tablePrefix
    TIME_ZONE: 'Europe/London'
  }
}

resource botService 'Microsoft.BotService/botServices@2022-09-15' = {
  name: botServiceName
  location: botServiceLocation
  kind: 'azurebot'
  tags: tags
  sku: {
    name: botServiceSku
  }
  properties: {
    displayName: botDisplayName
    endpoint: 'https://${functionApp.properties.defaultHostName}/api/messages'
    msaAppId: identity.properties.clientId
    msaAppMSIResourceId: identity.id
    msaAppTenantId: identity.properties.tenantId
    msaAppType: 'UserAssignedMSI'
    publicNetworkAccess: 'Enabled'
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: botService
  name: 'MsTeamsChannel'
  location: botServiceLocation
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
      enableCalling: false
    }
  }
}

// Outputs are written to env/.env.<env> by the Agents Toolkit (names as-is).
// No secret is output.
output BOT_ID string = identity.properties.clientId
output BOT_TENANT_ID string = identity.properties.tenantId
output BOT_MANAGED_IDENTITY_PRINCIPAL_ID string = identity.properties.principalId
output BOT_DOMAIN string = functionApp.properties.defaultHostName
output BOT_ENDPOINT string = 'https://${functionApp.properties.defaultHostName}'
output BOT_AZURE_FUNCTION_APP_RESOURCE_ID string = functionApp.id
output BOT_AZURE_FUNCTION_APP_NAME string = functionApp.name
output STORAGE_ACCOUNT_NAME string = storage.name
output STORAGE_ACCOUNT_URL string = 'https://${storage.name}.table.${environment().suffixes.storage}'
