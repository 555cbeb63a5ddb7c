using Preference.Training.Common;

namespace Preference.Training.Tests.Common;

public class DataOrderTests
{
    [Fact]
    public void The_same_seed_and_epoch_give_the_same_order_and_another_epoch_a_different_one()
    {
        Assert.Equal(DataOrder.Shuffled(100, 42, 0), DataOrder.Shuffled(100, 42, 0));
        Assert.NotEqual(DataOrder.Shuffled(100, 42, 0), DataOrder.Shuffled(100, 42, 1));
        Assert.Equal(Enumerable.Range(0, 100), DataOrder.Shuffled(100, 42, 3).Order());
    }
}
