namespace AppKeys.LocalApiServer.Tests;

public class ScaffoldTests
{
    [Fact]
    public void Assembly_loads() => Assert.NotNull(typeof(ScaffoldTests).Assembly.GetName().Name);
}
