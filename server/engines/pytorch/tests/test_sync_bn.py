# `pytorch.sync_bn`: several ranks on CUDA get SyncBatchNorm with the very same parameters and
# buffers (so optimizer, masks and checkpoints are unaffected); one rank or CPU keeps batch norm.
import unittest

import torch
from torch import nn

from rigl_torch.distributed import Ranks, sync_batch_norm
from rigl_torch.models import create_model, is_batch_norm_parameter


class SyncBatchNormTest(unittest.TestCase):
    def test_several_cuda_ranks_convert_keeping_parameters(self) -> None:
        model = create_model("resnet20", [32, 32, 3], 10, 0)
        parameters = dict(model.named_parameters())
        keys = list(model.state_dict().keys())
        batch_norm_parameters = {name for name in parameters if is_batch_norm_parameter(model, name)}
        # Only the device type is consulted: the conversion itself needs no GPU.
        converted, how = sync_batch_norm(model, torch.device("cuda"), Ranks(0, 2, 0))
        self.assertIn("SyncBatchNorm", how)
        norms = [m for m in converted.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
        self.assertTrue(norms and all(isinstance(m, nn.SyncBatchNorm) for m in norms))
        self.assertEqual(list(converted.state_dict().keys()), keys)
        for name, parameter in converted.named_parameters():
            self.assertIs(parameter, parameters[name], name)
        # Weight decay's batch-norm exclusion (all_but_bn) still finds them.
        self.assertTrue(batch_norm_parameters)
        self.assertEqual({name for name, _ in converted.named_parameters() if is_batch_norm_parameter(converted, name)}, batch_norm_parameters)

    def test_one_rank_or_cpu_keep_batch_norm(self) -> None:
        for device, ranks, why in ((torch.device("cuda"), Ranks(0, 1, 0), "one process"), (torch.device("cpu"), Ranks(0, 2, 0), "CPU")):
            model = create_model("resnet20", [32, 32, 3], 10, 0)
            same, how = sync_batch_norm(model, device, ranks)
            self.assertIs(same, model)
            self.assertIn(why, how)
            self.assertFalse(any(isinstance(m, nn.SyncBatchNorm) for m in same.modules()))


if __name__ == "__main__":
    unittest.main()
