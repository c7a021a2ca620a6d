"""A real, tiny PyTorch training loop reporting through vigil_monitor (shared by the tests)."""

import threading

import torch

CLASSES = ["normal", "RAO", "RVO"]


def data(seed=0, n=192):
    g = torch.Generator().manual_seed(seed)
    y = torch.randint(0, 3, (n,), generator=g)
    x = torch.randn(n, 8, generator=g) + torch.nn.functional.one_hot(y, 8).float() * 1.5
    return x, y


def setup():
    """The model, its optimizer, and the training and validation data every loop here uses."""
    torch.manual_seed(0)
    model = torch.nn.Linear(8, 3)
    return model, torch.optim.SGD(model.parameters(), lr=0.1), data(0), data(1, 96)


def train_step(model, optimizer, x, y, index, batch_size):
    """One optimizer step on batch ``index`` (from 0); returns the loss."""
    part = slice(index * batch_size, (index + 1) * batch_size)
    loss = torch.nn.functional.cross_entropy(model(x[part]), y[part])
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return loss.detach()


class Loop:
    """Trains a linear classifier; ``step`` is the last finished optimizer step (read by the tests)."""

    def __init__(self, monitor, epochs=3, batch_size=16, step_delay=0.0):
        self.monitor, self.epochs, self.batch_size, self.step_delay = monitor, epochs, batch_size, step_delay
        self.step = 0
        self.epochs_done = 0
        self.error = None
        self.finished = threading.Event()

    def run(self):
        try:
            model, optimizer, (x, y), (vx, vy) = setup()
            batches = len(x) // self.batch_size
            for epoch in range(1, self.epochs + 1):
                for b in range(batches):
                    loss = train_step(model, optimizer, x, y, b, self.batch_size)
                    self.step += 1
                    self.monitor.log_batch(self.step, loss=loss.item(), lr=0.1, epoch=epoch, batch=b + 1,
                                           total_batches=batches)
                    if self.monitor.should_stop:
                        return
                    if self.step_delay:
                        threading.Event().wait(self.step_delay)
                with torch.no_grad():
                    logits = model(vx)
                    val_loss = torch.nn.functional.cross_entropy(logits, vy).item()
                    probabilities = torch.softmax(logits, 1).numpy()
                self.monitor.log_epoch(epoch, vy.numpy(), probabilities, val_loss=val_loss, epochs=self.epochs)
                self.epochs_done = epoch
        except BaseException as error:  # noqa: BLE001 - reported to the test
            self.error = error
        finally:
            self.monitor.finish()
            self.finished.set()

    def start(self):
        thread = threading.Thread(target=self.run, daemon=True)
        thread.start()
        return thread
