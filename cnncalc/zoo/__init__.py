"""Known networks by name: the classification networks of torchvision and keras.applications, as spec files
checked layer by layer against the frameworks (``torchvision/<builder>.cnn``, ``keras/<Application>.cnn``).

:mod:`cnncalc.zoo.names` says which names exist (the frameworks' own lists), which of them the zoo holds, and
turns a SPEC argument into spec text: an existing file wins, then a name.
"""
