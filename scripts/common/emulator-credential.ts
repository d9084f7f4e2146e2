import type { AccessToken, TokenCredential } from '@azure/identity';
import type { TenantEmulator } from '../../emulator/index.js';

/**
 * The App Service managed identity protocol (IDENTITY_ENDPOINT + X-IDENTITY-HEADER) spoken to one
 * tenant emulator, as `@azure/identity` speaks it in Azure, without going through process.env:
 * the identity library keeps what it detected for the life of the process, so a second emulator
 * in the same process (the scan's tests) would be sent to the first one's endpoint.
 */
export function emulatorCredential(emulator: TenantEmulator): TokenCredential {
  return {
    async getToken(scopes): Promise<AccessToken> {
      const resource = [scopes].flat()[0]?.replace(/\/\.default$/, '') ?? '';
      const url = `${emulator.origin}/msi/token?api-version=2019-08-01&resource=${encodeURIComponent(resource)}&client_id=${emulator.managedIdentityClientId}`;
      const response = await fetch(url, { headers: { 'x-identity-header': emulator.identityHeader } });
      if (!response.ok) throw new Error(`the emulator's identity endpoint answered ${String(response.status)}`);
      const answer = (await response.json()) as { access_token: string; expires_on: string };
      return { token: answer.access_token, expiresOnTimestamp: Number(answer.expires_on) * 1000 };
    },
  };
}
