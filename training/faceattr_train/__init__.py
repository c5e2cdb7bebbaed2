"""faceattr's encoder fine-tuning on UTKFace (PyTorch, CPU). See ../README.md."""
