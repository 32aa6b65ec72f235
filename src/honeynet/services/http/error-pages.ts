/**
 * The error and redirect pages nginx and Apache generate themselves, byte for byte (nginx:
 * ngx_http_special_response.c; Apache 2.4.41+: ap_send_error_response and its canned strings), with the status
 * texts each puts on its status line. Scanners and fingerprinting tools compare exactly these bytes.
 */

/** nginx's status line texts (ngx_http_status_lines); a code missing here is sent as `NNN ` with no text. */
export const NGINX_STATUS: Record<number, string> = {
  200: 'OK', 201: 'Created', 204: 'No Content', 206: 'Partial Content',
  301: 'Moved Permanently', 302: 'Moved Temporarily', 303: 'See Other', 304: 'Not Modified', 307: 'Temporary Redirect', 308: 'Permanent Redirect',
  400: 'Bad Request', 401: 'Unauthorized', 402: 'Payment Required', 403: 'Forbidden', 404: 'Not Found', 405: 'Not Allowed', 406: 'Not Acceptable',
  408: 'Request Time-out', 409: 'Conflict', 410: 'Gone', 411: 'Length Required', 412: 'Precondition Failed', 413: 'Request Entity Too Large',
  414: 'Request-URI Too Large', 415: 'Unsupported Media Type', 416: 'Requested Range Not Satisfiable', 421: 'Misdirected Request',
  429: 'Too Many Requests', 500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway', 503: 'Service Temporarily Unavailable',
  504: 'Gateway Time-out', 507: 'Insufficient Storage',
};

/** nginx page titles where they differ from the status text (302 says "Found" in its page). */
const NGINX_TITLE: Record<number, string> = { 302: 'Found', 401: 'Authorization Required' };

/**
 * nginx's own page for a status, its tail naming the server (`server_tokens on`, the default). 494 is nginx's
 * internal code for "Request Header Or Cookie Too Large", sent as a 400. Empty when nginx has no page for it.
 */
export function nginxPage(status: number, server: string): string {
  const tail = `<hr><center>${server}</center>\r\n</body>\r\n</html>\r\n`;
  if (status === 494) {
    return '<html>\r\n<head><title>400 Request Header Or Cookie Too Large</title></head>\r\n<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n<center>Request Header Or Cookie Too Large</center>\r\n' + tail;
  }
  if (status === 497) {
    return '<html>\r\n<head><title>400 The plain HTTP request was sent to HTTPS port</title></head>\r\n<body>\r\n<center><h1>400 Bad Request</h1></center>\r\n<center>The plain HTTP request was sent to HTTPS port</center>\r\n' + tail;
  }
  const text = NGINX_TITLE[status] ?? NGINX_STATUS[status];
  if (!text || status < 301 || status === 304 || status === 505) return '';
  const head = `${status} ${text}`;
  return `<html>\r\n<head><title>${head}</title></head>\r\n<body>\r\n<center><h1>${head}</h1></center>\r\n${tail}`;
}

/**
 * nginx pads error pages for MSIE and Chrome (msie_padding on): both once showed their own "friendly" page for
 * short error bodies. A Chrome or MSIE user agent gets these 402 bytes after every page of status ≥ 400.
 */
export const NGINX_MSIE_PADDING = '<!-- a padding to disable MSIE and Chrome friendly error page -->\r\n'.repeat(6);

/** nginx's user agent classes (ngx_http_process_user_agent): only MSIE and Chrome get the padding. */
export function nginxPadsFor(userAgent: string | undefined): boolean {
  if (!userAgent) return false;
  const msieAt = userAgent.indexOf('MSIE ');
  const msie = msieAt !== -1 && msieAt + 7 < userAgent.length;
  const opera = userAgent.includes('Opera');
  if (msie && !opera) return true;
  if (msie || opera) return false;
  return !userAgent.includes('Gecko/') && userAgent.includes('Chrome/');
}

/** Apache 2.4's status lines (status_lines in http_protocol.c). */
export const APACHE_STATUS: Record<number, string> = {
  200: 'OK', 201: 'Created', 204: 'No Content', 206: 'Partial Content',
  301: 'Moved Permanently', 302: 'Found', 303: 'See Other', 304: 'Not Modified', 307: 'Temporary Redirect', 308: 'Permanent Redirect',
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 406: 'Not Acceptable',
  408: 'Request Timeout', 410: 'Gone', 411: 'Length Required', 412: 'Precondition Failed', 413: 'Request Entity Too Large',
  414: 'Request-URI Too Long', 415: 'Unsupported Media Type', 416: 'Range Not Satisfiable', 429: 'Too Many Requests',
  500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
  505: 'HTTP Version Not Supported',
};

export interface ApachePageInput {
  status: number;
  method: string;
  /** Where a redirect points (already absolute). */
  location?: string;
  /** Apache's "error-notes" for a 400 (e.g. which limit a header broke). */
  notes?: string;
  /** The signature line: `Apache/2.4.62 (Debian) Server at HOST Port PORT`. */
  signature: string;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The canned message between the h1 and the signature (get_canned_error_string). */
function apacheMessage(p: ApachePageInput): string {
  const method = escapeHtml(p.method);
  const loc = escapeHtml(p.location ?? '');
  switch (p.status) {
    case 301:
    case 302:
    case 303:
    case 307:
    case 308:
      return `<p>The document has moved <a href="${loc}">here</a>.</p>\n`;
    case 400:
      return `<p>Your browser sent a request that this server could not understand.<br />\n${p.notes ?? ''}</p>\n`;
    case 401:
      return '<p>This server could not verify that you\nare authorized to access the document\nrequested.  Either you supplied the wrong\ncredentials (e.g., bad password), or your\nbrowser doesn\'t understand how to supply\nthe credentials required.</p>\n';
    case 403:
      return "<p>You don't have permission to access this resource.</p>\n";
    case 404:
      return '<p>The requested URL was not found on this server.</p>\n';
    case 405:
      return `<p>The requested method ${method} is not allowed for this URL.</p>\n`;
    case 413:
      return `The requested resource does not allow request data with ${method} requests, or the amount of data provided in\nthe request exceeds the capacity limit.\n`;
    case 414:
      return "<p>The requested URL's length exceeds the capacity\nlimit for this server.<br />\n</p>\n";
    case 501:
      return `<p>${method} not supported for current URL.<br />\n</p>\n`;
    case 505:
      return '';
    default:
      return '<p>The server encountered an internal error or\nmisconfiguration and was unable to complete\nyour request.</p>\n<p>Please contact the server administrator at \n webmaster@localhost to inform them of the time this error occurred,\n and the actions you performed just before this error.</p>\n<p>More information about this error may be available\nin the server error log.</p>\n';
  }
}

export function apachePage(p: ApachePageInput): string {
  const text = APACHE_STATUS[p.status] ?? APACHE_STATUS[500]!;
  const status = APACHE_STATUS[p.status] ? p.status : 500;
  return `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>${status} ${text}</title>\n</head><body>\n<h1>${text}</h1>\n${apacheMessage(p)}<hr>\n<address>${p.signature}</address>\n</body></html>\n`;
}
