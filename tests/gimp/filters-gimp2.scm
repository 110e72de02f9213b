; Script-Fu helpers for the headless GIMP 2.10 tests (tests/gimp/run-gimp2.sh).
; Every -b runs in a fresh Script-Fu process, so each one loads this file.

; Fast settings: multi-code (or gp-method, which a batch command may set!
; to 2 for subspaces), 8 codes, automatic layer, fast preset, 150
; iterations, seed 7, no tuning (gp-detail steps), and Faces "the
; selection as it is" (gp-faces 1; a batch command sets it to 0, "find
; faces", the dialog's default).
(define gp-method 1)
(define gp-detail 0)
(define gp-faces 1)
(define (gp-call proc image drawable model factor)
  (if factor
      (proc RUN-NONINTERACTIVE image drawable model gp-method 8 0 0 150 7 gp-detail gp-faces factor)
      (proc RUN-NONINTERACTIVE image drawable model gp-method 8 0 0 150 7 gp-detail gp-faces)))

; Runs proc on IN (selecting SEL = (x y w h) first unless it is '()) and
; saves the new layer to OUT and the source layer, afterwards, to SOURCE.
(define (gp-run proc in out source model sel factor)
  (let* ((image (car (gimp-file-load RUN-NONINTERACTIVE in in)))
         (drawable (car (gimp-image-get-active-drawable image)))
         (before (car (gimp-image-get-layers image))))
    (if (pair? sel)
        (gimp-image-select-rectangle image CHANNEL-OP-REPLACE
                                     (car sel) (cadr sel) (caddr sel) (cadddr sel)))
    (let* ((result (gp-call proc image drawable model factor))
           (new-image (car result))
           (layer (cadr result)))
      (gimp-message (string-append
                     "ganprior-test: " out
                     " same-image=" (if (= new-image image) "yes" "no")
                     " layers-before=" (number->string before)
                     " layers-after=" (number->string (car (gimp-image-get-layers new-image)))
                     " position=" (number->string (car (gimp-image-get-item-position new-image layer)))
                     " source-position=" (number->string (car (gimp-image-get-item-position image drawable)))
                     " name=" (car (gimp-item-get-name layer))))
      (file-png-save-defaults RUN-NONINTERACTIVE new-image layer out out)
      (file-png-save-defaults RUN-NONINTERACTIVE image drawable source source)
      (if (not (= new-image image)) (gimp-image-delete new-image)))
    (gimp-image-delete image)))

; Runs proc (named NAME in the report) on IN where it must refuse, catching
; the error: one line "ganprior-test: refused NAME layers-before=N
; layers-after=N images-before=N images-after=N message=..." in the log.
(define (gp-refuse name proc in model sel)
  (let* ((image (car (gimp-file-load RUN-NONINTERACTIVE in in)))
         (drawable (car (gimp-image-get-active-drawable image)))
         (layers (car (gimp-image-get-layers image)))
         (images (car (gimp-image-list))))
    (if (pair? sel)
        (gimp-image-select-rectangle image CHANNEL-OP-REPLACE
                                     (car sel) (cadr sel) (caddr sel) (cadddr sel)))
    (let ((message
           (call/cc
            (lambda (k)
              (set! *error-hook*
                    (lambda args
                      (k (apply string-append
                                (map (lambda (a) (if (string? a) a "")) args)))))
              (gp-call proc image drawable model #f)
              "none: the call succeeded"))))
      (set! *error-hook* throw)
      (gimp-message (string-append
                     "ganprior-test: refused " name
                     " layers-before=" (number->string layers)
                     " layers-after=" (number->string (car (gimp-image-get-layers image)))
                     " images-before=" (number->string images)
                     " images-after=" (number->string (car (gimp-image-list)))
                     " message=" message)))
    (gimp-image-delete image)))
