using AppKeys.Operator.Testing.Hostile;

namespace AppKeys.Operator.Tests.Hostile;

/// <summary>The hostile user's attacks (<see cref="HostileAttackSuite"/>) against the operator running in this process (JIT).</summary>
[Collection(HostileCollection.Name)]
public sealed class HostileAttackTests(HostileWorld world) : HostileAttackSuite(world);
