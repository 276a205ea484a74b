using AppKeys.E2E.Tests.Support;
using AppKeys.Operator.Testing.Hostile;

namespace AppKeys.E2E.Tests;

[CollectionDefinition(Name)]
public sealed class NativeHostileCollection : ICollectionFixture<NativeHostileWorld>
{
    public const string Name = "native-hostile";
}

/// <summary>
/// Issue #16: the hostile user's attacks (<see cref="HostileAttackSuite"/>, the very facts the in-process JIT run makes
/// in AppKeys.Operator.Tests) against the Native AOT executable the image ships, run as a separate process under
/// config/default's RBAC plus the rollout-restart component (<see cref="NativeHostileWorld"/>).
/// </summary>
[Collection(NativeHostileCollection.Name)]
public sealed class NativeHostileAttackTests(NativeHostileWorld world) : HostileAttackSuite(world);
