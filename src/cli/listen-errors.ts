/** Whether a server's listen failed because another process holds the port. */
export function isPortInUse(error: unknown): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === 'EADDRINUSE';
}

/** The one line a command prints for a busy port: the port, and the setting or flag that moves it. */
export function portInUseLine(command: string, port: number, setting: string): string {
  return `${command}: port ${String(port)} is in use; set ${setting} to another`;
}
