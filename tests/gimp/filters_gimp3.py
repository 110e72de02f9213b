# Python-Fu helpers for the headless GIMP 3.0 tests (tests/gimp/run-gimp3.sh),
# the counterpart of filters-gimp2.scm: the same settings, the same report
# lines, the same files, so check_filters.py judges both GIMPs alike.
from gi.repository import Gimp, Gio

SETTINGS = dict(method="multicode", codes=8, layer=0, preset="fast", iterations=150, seed=7)


def _open(path, sel):
    image = Gimp.file_load(Gimp.RunMode.NONINTERACTIVE, Gio.File.new_for_path(path))
    if sel:
        image.select_rectangle(Gimp.ChannelOps.REPLACE, *sel)
    return image, image.get_layers()[0]


def _call(task, image, layer, model, factor, method=None, detail=0):
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


def gp_run(task, inp, out, source, model, sel=None, factor=None, method=None, detail=0):
    image, layer = _open(inp, sel)
    before = len(image.get_layers())
    result = _call(task, image, layer, model, factor, method, detail)
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


def gp_refuse(task, inp, model, sel=None):
    image, layer = _open(inp, sel)
    result = _call(task, image, layer, model, None)
    print("ganprior-test: refused %s status=%s message=%s"
          % (task, result.index(0), Gimp.get_pdb().get_last_error()), flush=True)
    image.delete()
