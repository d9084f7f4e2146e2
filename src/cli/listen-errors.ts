/** Whether a server's listen failed because another process holds the port. */
export function isPortInUse(error: unknown): boolean {
  // By shape, not instanceof: the error comes from Node's realm, which need not be the caller's.
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'EADDRINUSE';
}

/** The one line a command prints for a busy port: the port, and the setting or flag that moves it. */
export function portInUseLine(command: string, port: number, setting: string): string {
  return `${command}: port ${String(port)} is in use; set ${setting} to another`;
}
