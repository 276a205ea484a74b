using AppKeys.LocalApiServer.Authentication;
using AppKeys.LocalApiServer.Authorization;
using AppKeys.LocalApiServer.Faults;
using AppKeys.LocalApiServer.Security;
using Microsoft.Extensions.Logging;

namespace AppKeys.LocalApiServer;

/// <summary>
/// What outlives a restart of the server: options, identity (certificates, tokens), fault injection and the record
/// of denied requests.
/// </summary>
internal sealed record ServerContext(
    LocalApiServerOptions Options,
    ILoggerFactory LoggerFactory,
    TokenAuthenticator Authenticator,
    ServingCertificates? Certificates,
    FaultInjector Faults,
    AuthorizationAudit Audit);
