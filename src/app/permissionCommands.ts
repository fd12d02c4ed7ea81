import { Command } from '@nestjs/cqrs';
import type { PermissionCommand } from '../domain/permission/commands.js';

/** Grants or revokes privileges of one source party (`/v1/permission/...`). */
export class ChangePermission extends Command<{ changed: number }> {
  constructor(readonly command: PermissionCommand) {
    super();
  }
}
