# Python-Fu helpers for the headless GIMP 3.0 tests (tests/gimp/run-gimp3.sh),
# the counterpart of filters-gimp2.scm: the same settings, the same report
# lines, the same files, so check_filters.py judges both GIMPs alike.
from gi.repository import Gimp, Gio

# Faces "the selection as it is" unless a call asks for "find" (the default).
SETTINGS = dict(method="multicode", codes=8, layer=0, preset="fast", iterations=150, seed=7,
                faces="selection")


def _open(path, sel):
    image = Gimp.file_load(Gimp.RunMode.NONINTERACTIVE, Gio.File.new_for_path(path))
    if sel:
        image.select_rectangle(Gimp.ChannelOps.REPLACE, *sel)
    return image, image.get_layers()[0]


def _call(task, image, layer, model, factor, method=None, detail=0, faces=None):
    proc = Gimp.get_pdb().lookup_procedure("plug-in-ganprior-" + task)
    config = proc.create_config()
    config.set_property("run-mode", Gimp.RunMode.NONINTERACTIVE)
    config.set_property("image", image)
    config.set_core_object_array("drawables", [layer])
    config.set_property("model", Gio.File.new_for_path(model))
    for key, value in SETTINGS.items():
        config.set_property(key, value)
    config.set_property("detail", detail)
    if method:
        config.set_property("method", method)
    if faces:
        config.set_property("faces", faces)
    if factor:
        config.set_property("factor", factor)
    return proc.run(config)


def _export_only(image, keep, path):
    """Exporters take the whole image: drop every other layer of a copy."""
    copy = image.duplicate()
    position = image.get_item_position(keep)
    for i, layer in enumerate(copy.get_layers()):
        if i != position:
            copy.remove_layer(layer)
    Gimp.file_save(Gimp.RunMode.NONINTERACTIVE, copy, Gio.File.new_for_path(path), None)
    copy.delete()


def gp_run(task, inp, out, source, model, sel=None, factor=None, method=None, detail=0,
           faces=None):
    image, layer = _open(inp, sel)
    before = len(image.get_layers())
    result = _call(task, image, layer, model, factor, method, detail, faces)
    if result.index(0) != Gimp.PDBStatusType.SUCCESS:
        raise RuntimeError("%s failed: %s" % (task, result.index(1)))
    new_image, new_layer = result.index(1), result.index(2)
    print("ganprior-test: %s same-image=%s layers-before=%d layers-after=%d position=%d "
          "source-position=%d name=%s"
          % (out, "yes" if new_image == image else "no", before, len(new_image.get_layers()),
             new_image.get_item_position(new_layer), image.get_item_position(layer),
             new_layer.get_name()), flush=True)
    _export_only(new_image, new_layer, out)
    _export_only(image, layer, source)
    if new_image != image:
        new_image.delete()
    image.delete()


def gp_refuse(name, task, inp, model, sel=None, faces=None):
    """The same report line as filters-gimp2.scm's gp-refuse."""
    image, layer = _open(inp, sel)
    layers, images = len(image.get_layers()), len(Gimp.get_images())
    result = _call(task, image, layer, model, None, faces=faces)
    # A failed procedure returns its status and its error's message.
    failed = result.index(0) != Gimp.PDBStatusType.SUCCESS and result.length() > 1
    print("ganprior-test: refused %s layers-before=%d layers-after=%d images-before=%d "
          "images-after=%d status=%s message=%s"
          % (name, layers, len(image.get_layers()), images, len(Gimp.get_images()),
             result.index(0).value_nick, result.index(1) if failed else "none: the call succeeded"),
          flush=True)
    image.delete()
