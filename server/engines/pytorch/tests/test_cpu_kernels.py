# The engine's CPU speed choices: its oneDNN forms of fully connected layers and 1×1 convolutions
# compute what nn.Linear and nn.Conv2d compute (outputs and gradients), and the thread count follows the idle CPUs.
import unittest

import torch
from torch import nn

from rigl_torch.cpu_kernels import OneDnnLinear, OneDnnPointwiseConv, use_fast_cpu_kernels
from rigl_torch.runtime import cpu_threads


class OneDnnLinearTest(unittest.TestCase):
    def test_same_outputs_and_gradients_as_linear(self) -> None:
        torch.manual_seed(0)
        reference = nn.Sequential(nn.Linear(784, 300), nn.ReLU(), nn.Linear(300, 10))
        fast = nn.Sequential(nn.Linear(784, 300), nn.ReLU(), nn.Linear(300, 10))
        fast.load_state_dict(reference.state_dict())
        for module in fast.modules():
            if type(module) is nn.Linear:
                module.__class__ = OneDnnLinear
        x = torch.randn(100, 784)
        y_ref, y_fast = reference(x), fast(x)
        torch.testing.assert_close(y_fast, y_ref, rtol=1e-4, atol=1e-5)
        y_ref.square().sum().backward()
        y_fast.square().sum().backward()
        for (name, a), (_, b) in zip(reference.named_parameters(), fast.named_parameters()):
            torch.testing.assert_close(b.grad, a.grad, rtol=1e-4, atol=1e-4, msg=name)

    def test_pointwise_convolution_same_outputs_and_gradients(self) -> None:
        torch.manual_seed(0)
        for stride in (1, 2):
            reference = nn.Conv2d(16, 8, 1, stride=stride, bias=False)
            fast = nn.Conv2d(16, 8, 1, stride=stride, bias=False)
            fast.load_state_dict(reference.state_dict())
            fast.__class__ = OneDnnPointwiseConv
            x = torch.randn(2, 16, 9, 7)
            y_ref, y_fast = reference(x), fast(x)
            self.assertEqual(y_fast.shape, y_ref.shape)
            torch.testing.assert_close(y_fast, y_ref, rtol=1e-4, atol=1e-5)
            y_ref.square().sum().backward()
            y_fast.square().sum().backward()
            torch.testing.assert_close(fast.weight.grad, reference.weight.grad, rtol=1e-4, atol=1e-4)

    def test_keeps_parameters_and_names(self) -> None:
        model = nn.Sequential(nn.Linear(4, 3))
        weight = model[0].weight
        names = [n for n, _ in model.named_parameters()]
        changed = use_fast_cpu_kernels(model)
        self.assertIs(model[0].weight, weight)
        self.assertEqual([n for n, _ in model.named_parameters()], names)
        self.assertEqual(isinstance(model[0], OneDnnLinear), changed)


class CpuThreadsTest(unittest.TestCase):
    def test_threads_follow_idle_cpus(self) -> None:
        self.assertEqual(cpu_threads(2, 1, 0.1)[0], 2)
        self.assertEqual(cpu_threads(2, 1, 4.2)[0], 1)
        self.assertEqual(cpu_threads(16, 2, 0.0)[0], 8)
        self.assertEqual(cpu_threads(16, 2, 8.0)[0], 4)
        self.assertEqual(cpu_threads(1, 4, 0.0)[0], 1)


if __name__ == "__main__":
    unittest.main()
