namespace AppKeys.LocalApiServer.Authorization;

/// <summary>Records every denial of <paramref name="inner"/> in <paramref name="audit"/>.</summary>
internal sealed class AuditingAuthorizer(IAuthorizer inner, AuthorizationAudit audit) : IAuthorizer
{
    public AuthorizationDecision Authorize(AuthorizationAttributes attributes)
    {
        var decision = inner.Authorize(attributes);
        if (!decision.Allowed)
        {
            audit.Record(DeniedRequest.From(attributes, decision));
        }
        return decision;
    }
}
