/** The errno subset the fake filesystem reports, with the text `strerror` gives for each. */
export const FS_ERRORS = {
  ENOENT: 'No such file or directory',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  EEXIST: 'File exists',
  ENOTEMPTY: 'Directory not empty',
  ENOSPC: 'No space left on device',
  ELOOP: 'Too many levels of symbolic links',
  EINVAL: 'Invalid argument',
  EBUSY: 'Device or resource busy',
  ENAMETOOLONG: 'File name too long',
} as const;

export type FsErrorCode = keyof typeof FS_ERRORS;

/** A failed filesystem operation; `message` is the strerror text commands print after their own prefix. */
export class FsError extends Error {
  readonly code: FsErrorCode;

  constructor(code: FsErrorCode) {
    super(FS_ERRORS[code]);
    this.name = 'FsError';
    this.code = code;
  }
}

/** The strerror text of a thrown value: commands print `cmd: 'path': <this>`. */
export function errorText(err: unknown): string {
  return err instanceof FsError ? err.message : 'Input/output error';
}
